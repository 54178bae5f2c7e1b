import { Controller, Get } from '@nestjs/common';
import { RequireRole } from '../auth/index.js';
import { StaleFlags, type StaleReport } from './stale-flags.js';

/** Registered before the flags controller (see LifecycleModule), so /flags/stale is not read as a flag key. */
@Controller('v1/flags')
export class LifecycleController {
  constructor(private readonly stale: StaleFlags) {}

  @Get('stale')
  @RequireRole('viewer')
  staleFlags(): Promise<StaleReport> {
    return this.stale.report();
  }
}
