import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';

/** The structured stop line (the start line is written by main once the port is bound). */
@Injectable()
export class LifecycleLogger implements OnApplicationShutdown {
  private readonly logger = new Logger('Flagledger');

  onApplicationShutdown(signal?: string): void {
    this.logger.log({ msg: 'stopped', signal: signal ?? null });
  }
}
