import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Kysely } from 'kysely';
import { recordedActor } from '../../auth/index.js';
import { type AppConfig } from '../../config/index.js';
import { DATABASE, type Database } from '../../database/index.js';
import { EnvironmentDirectory } from '../../environments/index.js';
import {
  CommittedEventFeed,
  EVENT_STORE,
  IdempotencyKeyReusedError,
  VersionConflictError,
  type EventStore,
  type IdempotencyClaim,
  type StoredEvent,
} from '../../event-store/index.js';
import { APP_CONFIG, DomainError, KeyedSerialQueue, CLOCK, type Clock } from '../../shared/index.js';
import { foldFlagRecord } from '../flag-event-folding.js';
import { FlagStateReader } from '../flag-state-reader.js';
import { flagStateIn, type FlagRecord } from '../flag-state.js';
import { decideFlag } from '../flag.decider.js';
import { FLAG_EVENT_SCHEMA_VERSION } from '../flag.events.js';
import type { FlagRules } from '../flag.rules.js';
import { readCurrentFlagRecord } from '../projections/current-flag-state.js';
import { admitDirectCommand } from './direct-command-admission.js';
import { ExecuteFlagCommand, type FlagCommandOutcome } from './execute-flag-command.command.js';
import { FlagCommandOutcomes } from './flag-command-outcomes.js';

export class PreconditionFailedError extends DomainError {
  constructor(key: string, expected: number, actual: number) {
    super('PRECONDITION_FAILED', `flag '${key}' is at version ${actual}; If-Match asked for ${expected}`, [
      { field: 'If-Match', message: `does not match the current version ${actual}` },
    ]);
  }
}

/**
 * Without If-Match a lost race is retried against the new state; with it, the race is the client's 412.
 * Within a process commands on one flag take turns, so a race is lost to another instance on the same
 * PostgreSQL database, and each loss means that instance committed a change to the flag: retries end once
 * the others are done. The bound (well above the instances one database serves) only stops a livelock.
 */
const MAX_ATTEMPTS = 50;

/**
 * Admit the command to its environment (a protected one takes state changes only through a change
 * request), load the flag's current state, decide, append, then hand the committed events to the feed
 * before answering, so the caller's next read or evaluation already sees the change.
 */
@CommandHandler(ExecuteFlagCommand)
export class ExecuteFlagCommandHandler implements ICommandHandler<ExecuteFlagCommand, FlagCommandOutcome> {
  private readonly logger = new Logger('Command');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly feed: CommittedEventFeed,
    private readonly flags: FlagStateReader,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly outcomes: FlagCommandOutcomes,
    private readonly environments: EnvironmentDirectory,
  ) {
    this.rules = { suggestedLifetimeDays: config.flagLifetimeDays };
  }

  private readonly rules: FlagRules;
  private readonly perFlag = new KeyedSerialQueue();

  async execute({ flagKey, command, metadata, environment }: ExecuteFlagCommand): Promise<FlagCommandOutcome> {
    const started = performance.now();
    const log = (outcome: string, extra: Record<string, unknown> = {}) => {
      this.outcomes.commandFinished(command.kind, outcome);
      this.logger.log({
        msg: 'command',
        command: command.kind,
        flag: flagKey,
        environment: environment ?? this.flags.defaultEnvironment,
        actor: metadata.actor.name,
        outcome,
        durationMs: Math.round(performance.now() - started),
        ...extra,
      });
    };
    try {
      // Commands on one flag take turns within this process: racing ones would all decide on the same
      // state and all but one lose at the append (and could lose again and again under load). Across
      // instances the store's version check still decides, and a lost race is retried.
      const outcome = await this.perFlag.run(flagKey, () => this.run(flagKey, command, metadata, environment));
      const event = (outcome.response.body as { event?: StoredEvent | null }).event;
      log(
        outcome.replayed ? 'replayed' : event ? 'appended' : 'unchanged',
        event ? { seq: event.seq, version: event.version } : {},
      );
      return outcome;
    } catch (error) {
      log('rejected', { error: error instanceof DomainError ? error.code : 'INTERNAL_ERROR' });
      throw error;
    }
  }

  private async run(
    flagKey: string,
    sent: ExecuteFlagCommand['command'],
    metadata: ExecuteFlagCommand['metadata'],
    scope: string | undefined,
  ): Promise<FlagCommandOutcome> {
    const { actor, expectedVersion, idempotency } = metadata;
    const environment = scope ?? this.flags.defaultEnvironment;
    // An environment route shows the flag as that environment sees it, and says which; a v1 route, as v1 did.
    const show = (record: FlagRecord | undefined) => {
      if (record === undefined) return undefined;
      const flag = flagStateIn(record, environment);
      return scope === undefined ? flag : { ...flag, environment };
    };
    if (idempotency !== undefined) {
      const previous = await this.store.findIdempotentResponse(actor.name, idempotency.key);
      if (previous !== undefined) {
        if (previous.fingerprint !== idempotency.fingerprint) throw new IdempotencyKeyReusedError(idempotency.key);
        return { response: previous.response, replayed: true };
      }
    }
    // After the replay: a retry of a request that committed before the environment was protected gets
    // what it got then. Before any read of the flag: the refusal is the environment's, whatever the flag.
    const command = admitDirectCommand(sent, this.environments.require(environment), metadata.reason);
    // The in-memory projection answers first, with no database read. It may trail the log by a commit
    // still being delivered, so it only ever leads to an append the store re-checks by version: a
    // refusal or a lost race is judged again against flag_state, which commits with the log.
    let source: 'memory' | 'database' = 'memory';
    for (let attempt = 1; ; attempt++) {
      const state =
        source === 'memory'
          ? this.flags.record(flagKey)
          : await readCurrentFlagRecord(this.db, flagKey, this.flags.defaultEnvironment);
      const currentVersion = state?.version ?? 0;
      let events: ReturnType<typeof decideFlag>;
      try {
        // A precondition is checked before the command is processed (RFC 9110 §13.2.2); an unknown flag stays a 404.
        const exists = state !== undefined || command.kind === 'create';
        if (expectedVersion !== undefined && exists && expectedVersion !== currentVersion) {
          throw new PreconditionFailedError(flagKey, expectedVersion, currentVersion);
        }
        events = decideFlag(flagKey, command, state, environment, this.clock.now(), this.rules);
      } catch (error) {
        if (source === 'memory' && error instanceof DomainError) {
          source = 'database';
          continue;
        }
        throw error;
      }
      const successStatus = command.kind === 'create' ? 201 : 200;
      const render = (stored: readonly StoredEvent[]) => ({
        status: successStatus,
        body: { flag: show(foldFlagRecord(state, stored, this.flags.defaultEnvironment)), event: stored[0] ?? null },
      });
      const claim: IdempotencyClaim | undefined =
        idempotency === undefined
          ? undefined
          : { scope: actor.name, key: idempotency.key, fingerprint: idempotency.fingerprint, render };
      try {
        const appendStarted = performance.now();
        const result = await this.store.append(
          flagKey,
          currentVersion,
          events.map((e) => ({ type: e.type, schemaVersion: FLAG_EVENT_SCHEMA_VERSION, data: e.data })),
          { ...recordedActor(actor), reason: metadata.reason, idempotency: claim },
        );
        this.outcomes.appendTook((performance.now() - appendStarted) / 1000);
        if (result.kind === 'replayed') return { response: result.response, replayed: true };
        await this.feed.deliver(result.events);
        return { response: result.response ?? render(result.events), replayed: false };
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error;
        if (expectedVersion !== undefined)
          throw new PreconditionFailedError(flagKey, expectedVersion, error.actualVersion);
        if (attempt >= MAX_ATTEMPTS) throw error;
        source = 'database';
      }
    }
  }
}
