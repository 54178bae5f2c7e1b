import { IsOptional, IsString, MaxLength } from 'class-validator';

/** Every command may say why; the reason is stored on the event. */
export class CommandRequest {
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}
