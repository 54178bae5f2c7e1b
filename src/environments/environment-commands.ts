import { Inject, Injectable } from '@nestjs/common';
import { recordedActor, type Principal } from '../auth/index.js';
import {
  CommittedEventFeed,
  EVENT_STORE,
  VersionConflictError,
  type EventStore,
  type StoredEvent,
} from '../event-store/index.js';
import { KeyedSerialQueue } from '../shared/index.js';
import { EnvironmentDirectory } from './environment-directory.js';
import { decideEnvironment, type EnvironmentCommand } from './environment.decider.js';
import { EnvironmentExistsError } from './environment.errors.js';
import { ENVIRONMENT_EVENT_SCHEMA_VERSION } from './environment.events.js';
import { environmentStreamId, type Environment } from './environment.js';

export interface EnvironmentCommandOutcome {
  environment: Environment;
  /** The event appended; null when the command changed nothing. */
  event: StoredEvent | null;
}

/** How many times a change is re-decided after another instance moved the environment's stream first. */
const ATTEMPTS = 3;

/** Decides on the directory's state and appends; answers once the event is stored and the directory has it. */
@Injectable()
export class EnvironmentCommands {
  private readonly perEnvironment = new KeyedSerialQueue();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly feed: CommittedEventFeed,
    private readonly directory: EnvironmentDirectory,
  ) {}

  execute(command: EnvironmentCommand, actor: Principal, reason: string | null): Promise<EnvironmentCommandOutcome> {
    return this.perEnvironment.run(command.key, () => this.attempt(command, actor, reason, 1));
  }

  private async attempt(
    command: EnvironmentCommand,
    actor: Principal,
    reason: string | null,
    attempt: number,
  ): Promise<EnvironmentCommandOutcome> {
    let current = this.directory.get(command.key);
    if (current === undefined && command.kind === 'change' && attempt === 1) {
      // Created on another instance a moment ago, perhaps: look at the log before answering 404.
      await this.feed.catchUp();
      current = this.directory.get(command.key);
    }
    const events = decideEnvironment(command, current);
    if (events.length === 0) return { environment: current!, event: null };
    try {
      const result = await this.store.append(
        environmentStreamId(command.key),
        current?.version ?? 0,
        events.map((e) => ({ type: e.type, schemaVersion: ENVIRONMENT_EVENT_SCHEMA_VERSION, data: e.data })),
        { ...recordedActor(actor), reason },
      );
      if (result.kind !== 'appended') throw new Error('an environment command without Idempotency-Key was replayed');
      await this.feed.deliver(result.events);
      return { environment: this.directory.get(command.key)!, event: result.events[result.events.length - 1]! };
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      // Another instance wrote first: for a create that means it exists; a change is decided again on it.
      if (command.kind === 'create') throw new EnvironmentExistsError(command.key);
      if (attempt >= ATTEMPTS) throw error;
      await this.feed.catchUp();
      return this.attempt(command, actor, reason, attempt + 1);
    }
  }
}
