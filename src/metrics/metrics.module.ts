import { Module } from '@nestjs/common';
import { EventStoreModule } from '../event-store/index.js';
import { FlagsModule } from '../flags/index.js';
import { LifecycleModule } from '../lifecycle/index.js';
import { TelemetryModule } from '../telemetry/index.js';
import { FlagledgerMetrics } from './flagledger-metrics.js';
import { MetricsController } from './metrics.controller.js';

@Module({
  imports: [EventStoreModule, FlagsModule, LifecycleModule, TelemetryModule],
  controllers: [MetricsController],
  providers: [FlagledgerMetrics],
})
export class MetricsModule {}
