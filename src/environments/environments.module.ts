import { Global, Module } from '@nestjs/common';
import { EventStoreModule } from '../event-store/index.js';
import { ENVIRONMENT_CATALOG } from '../shared/index.js';
import { EnvironmentCommands } from './environment-commands.js';
import { EnvironmentDirectory } from './environment-directory.js';
import { EnvironmentsController } from './environments.controller.js';

/**
 * Environments as events (docs/contract.md §7): the directory every environment route checks against.
 * Global for the catalog only: auth, which this slice depends on, checks a token's scope against it.
 */
@Global()
@Module({
  imports: [EventStoreModule],
  controllers: [EnvironmentsController],
  providers: [
    EnvironmentDirectory,
    EnvironmentCommands,
    { provide: ENVIRONMENT_CATALOG, useExisting: EnvironmentDirectory },
  ],
  exports: [EnvironmentDirectory, ENVIRONMENT_CATALOG],
})
export class EnvironmentsModule {}
