import { Module } from '@nestjs/common';
import { EventStoreModule } from '../event-store/index.js';
import { EnvironmentCommands } from './environment-commands.js';
import { EnvironmentDirectory } from './environment-directory.js';
import { EnvironmentsController } from './environments.controller.js';

/** Environments as events (docs/contract.md §7): the directory every environment route checks against. */
@Module({
  imports: [EventStoreModule],
  controllers: [EnvironmentsController],
  providers: [EnvironmentDirectory, EnvironmentCommands],
  exports: [EnvironmentDirectory],
})
export class EnvironmentsModule {}
