import { Module } from '@nestjs/common';
import { ConnectedClientsModule } from '../connected-clients/index.js';
import { EnvironmentsModule } from '../environments/index.js';
import { FlagsModule } from '../flags/index.js';
import { TelemetryModule } from '../telemetry/index.js';
import { ServedFeatures } from './served-features.js';
import { UnleashClientController } from './unleash-client.controller.js';

/** Unleash's client API over Flagledger's flags: what Unleash SDKs in every language poll and report to. */
@Module({
  imports: [FlagsModule, EnvironmentsModule, TelemetryModule, ConnectedClientsModule],
  controllers: [UnleashClientController],
  providers: [ServedFeatures],
})
export class UnleashModule {}
