import { Global, Module } from '@nestjs/common';
import { FlagsModule } from '../flags/index.js';
import { LifecycleModule } from '../lifecycle/index.js';
import { FlagledgerMetrics } from './flagledger-metrics.js';
import { MetricsController } from './metrics.controller.js';

@Global()
@Module({
  imports: [FlagsModule, LifecycleModule],
  controllers: [MetricsController],
  providers: [FlagledgerMetrics],
  exports: [FlagledgerMetrics],
})
export class MetricsModule {}
