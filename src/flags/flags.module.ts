import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EnvironmentsModule } from '../environments/index.js';
import { EventStoreModule } from '../event-store/index.js';
import { TelemetryModule } from '../telemetry/index.js';
import { ExecuteFlagCommandHandler } from './commands/execute-flag-command.handler.js';
import { FlagCommandOutcomes } from './commands/flag-command-outcomes.js';
import { EnvironmentFlagsController } from './environment-flags.controller.js';
import { FlagCommandSender } from './flag-command-sender.js';
import { FlagEventPublisher } from './flag-event-publisher.js';
import { FlagStateReader } from './flag-state-reader.js';
import { FlagsController } from './flags.controller.js';
import { FlagStateTableProjection } from './projections/flag-state-table.projection.js';
import { LiveFlagStates } from './projections/live-flag-states.js';
import { FlagTimeTravel } from './time-travel/flag-time-travel.js';

const commandHandlers = [ExecuteFlagCommandHandler];
const projections = [
  FlagStateTableProjection,
  LiveFlagStates,
  { provide: FlagStateReader, useExisting: LiveFlagStates },
];

/** The only write side: flag commands in, committed events out, and the current-state projection. */
@Module({
  imports: [CqrsModule, EventStoreModule, TelemetryModule, EnvironmentsModule],
  controllers: [FlagsController, EnvironmentFlagsController],
  providers: [
    ...commandHandlers,
    FlagCommandSender,
    FlagCommandOutcomes,
    ...projections,
    FlagTimeTravel,
    FlagEventPublisher,
  ],
  exports: [FlagStateReader, FlagTimeTravel, FlagCommandOutcomes],
})
export class FlagsModule {}
