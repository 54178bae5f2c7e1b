import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/index.js';
import { ChangeRequestsModule } from '../change-requests/index.js';
import { EnvironmentsModule } from '../environments/index.js';
import { EventStoreModule } from '../event-store/index.js';
import { FlagsModule } from '../flags/index.js';
import { LifecycleModule } from '../lifecycle/index.js';
import { TelemetryModule } from '../telemetry/index.js';
import { FlagledgerMetrics } from './flagledger-metrics.js';
import { MetricsTokenGuard } from './metrics-token.guard.js';
import { MetricsController } from './metrics.controller.js';

@Module({
  imports: [
    AuthModule,
    ChangeRequestsModule,
    EnvironmentsModule,
    EventStoreModule,
    FlagsModule,
    LifecycleModule,
    TelemetryModule,
  ],
  controllers: [MetricsController],
  providers: [FlagledgerMetrics, MetricsTokenGuard],
})
export class MetricsModule {}
