import { Module } from '@nestjs/common';
import { EnvironmentsModule } from '../environments/index.js';
import { EventStoreModule } from '../event-store/index.js';
import { FlagsModule } from '../flags/index.js';
import { LifecycleModule } from '../lifecycle/index.js';
import { TelemetryModule } from '../telemetry/index.js';
import { FlagledgerMetrics } from './flagledger-metrics.js';
import { MetricsController } from './metrics.controller.js';

@Module({
  imports: [EnvironmentsModule, EventStoreModule, FlagsModule, LifecycleModule, TelemetryModule],
  controllers: [MetricsController],
  providers: [FlagledgerMetrics],
})
export class MetricsModule {}
