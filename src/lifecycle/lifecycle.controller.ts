import { Controller, Get } from '@nestjs/common';
import { RequireRole } from '../auth/index.js';
import { StaleFlags, type StaleReport } from './stale-flags.js';

/** GET /v1/flags/stale: `stale` is a reserved flag key (see LifecycleModule). */
@Controller('v1/flags')
export class LifecycleController {
  constructor(private readonly stale: StaleFlags) {}

  @Get('stale')
  @RequireRole('viewer')
  staleFlags(): Promise<StaleReport> {
    return this.stale.report();
  }
}
