import { Module } from '@nestjs/common';
import { EnvironmentsModule } from '../environments/index.js';
import { FlagsModule } from '../flags/index.js';
import { ClientsController } from './clients.controller.js';
import { ConnectedClients } from './connected-clients.js';
import { ConvergenceController } from './convergence.controller.js';

/**
 * Connected clients and convergence: the routes that serve SDKs (Unleash, OFREP, Flagledger's reports)
 * import this module and tell ConnectedClients whom they served.
 */
@Module({
  imports: [FlagsModule, EnvironmentsModule],
  controllers: [ClientsController, ConvergenceController],
  providers: [ConnectedClients],
  exports: [ConnectedClients],
})
export class ConnectedClientsModule {}
