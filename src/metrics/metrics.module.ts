import { Global, Module } from '@nestjs/common';
import { FlagsModule } from '../flags/flags.module.js';
import { LifecycleModule } from '../lifecycle/lifecycle.module.js';
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
