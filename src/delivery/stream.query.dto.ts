import { IsOptional, IsString } from 'class-validator';

/** GET /v1/stream: EventSource polyfills that cannot set headers send the Last-Event-ID here. */
export class StreamQuery {
  /** Any text: one that is not a seq the server can resume from starts the stream with a snapshot. */
  @IsOptional()
  @IsString()
  lastEventId?: string;
}
