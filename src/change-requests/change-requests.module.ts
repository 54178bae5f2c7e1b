import { Module } from '@nestjs/common';
import { EventStoreModule } from '../event-store/index.js';
import { FlagsModule } from '../flags/index.js';
import { ChangeRequestCommands } from './change-request-commands.js';
import { ChangeRequestDirectory } from './change-request-directory.js';
import { ChangeRequestSchedule } from './change-request-schedule.js';
import { ChangeRequestsController } from './change-requests.controller.js';

/** Four eyes (docs/contract.md §10): change requests as events, their review steps and their routes. */
@Module({
  imports: [EventStoreModule, FlagsModule],
  controllers: [ChangeRequestsController],
  providers: [ChangeRequestDirectory, ChangeRequestCommands, ChangeRequestSchedule],
  exports: [ChangeRequestDirectory],
})
export class ChangeRequestsModule {}
