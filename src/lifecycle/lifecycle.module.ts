import { Module } from '@nestjs/common';
import { EnvironmentsModule } from '../environments/index.js';
import { EventStoreModule } from '../event-store/index.js';
import { FlagsModule } from '../flags/index.js';
import { TelemetryModule } from '../telemetry/index.js';
import { LifecycleController } from './lifecycle.controller.js';
import { StaleFlags } from './stale-flags.js';

/**
 * Stale-flag detection. GET /v1/flags/stale shares its prefix with GET /v1/flags/:key; the flags slice
 * reserves the key `stale` and hands that path on, so the import order of the modules does not matter.
 */
@Module({
  imports: [EnvironmentsModule, EventStoreModule, FlagsModule, TelemetryModule],
  controllers: [LifecycleController],
  providers: [StaleFlags],
  exports: [StaleFlags],
})
export class LifecycleModule {}
