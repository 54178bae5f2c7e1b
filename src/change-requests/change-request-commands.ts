import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { recordedActor, type Principal } from '../auth/index.js';
import { EnvironmentDirectory } from '../environments/index.js';
import {
  CommittedEventFeed,
  EVENT_STORE,
  VersionConflictError,
  type EventStore,
  type StoredEvent,
  type StreamAppend,
} from '../event-store/index.js';
import { decideFlag, FLAG_EVENT_SCHEMA_VERSION, FlagStateReader } from '../flags/index.js';
import { CLOCK, KeyedSerialQueue, ValidationFailedError, type Clock, type FieldError } from '../shared/index.js';
import { ChangeRequestDirectory } from './change-request-directory.js';
import { decideChangeRequest, type ChangeRequestCommand, type MovedFlag } from './change-request.decider.js';
import { ChangeRequestConflictError, ChangeRequestNotFoundError, describeMoved } from './change-request.errors.js';
import {
  CHANGE_REQUEST_EVENT_SCHEMA_VERSION,
  changeRequestStreamId,
  type ChangeRequestEvent,
  type ProposedChange,
} from './change-request.events.js';
import type { ChangeRequest } from './change-request.js';
import type { CreateChangeRequestRequest, ProposedChangeDto } from './change-request.requests.dto.js';
import { flagCommandOf } from './flag-command-of.js';
import { proposedValueError } from './proposed-change.js';

/**
 * Who a scheduled apply acts as: the schedule, not a person (a name no token can take: ':' is not allowed
 * in token names). The request's author and approvers are on every flag event it writes.
 */
const SCHEDULER: Principal = {
  name: 'system:scheduler',
  role: 'admin',
  tokenId: 'system:scheduler',
  environments: null,
};

export interface ChangeRequestOutcome {
  request: ChangeRequest;
  event: StoredEvent;
}

/** An apply's answer: the request's last event, and the flag events it wrote, in seq order. */
export interface AppliedOutcome extends ChangeRequestOutcome {
  flagEvents: StoredEvent[];
}

/**
 * The review steps of a change request (docs/contract.md §10): checks what the decider cannot see (the
 * environment, the flags, the changes' values), decides on the request as the directory holds it, and
 * appends to its stream. Steps on one request take turns here; across instances the stream's version
 * decides, as for a flag.
 */
@Injectable()
export class ChangeRequestCommands {
  private readonly perRequest = new KeyedSerialQueue();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly feed: CommittedEventFeed,
    private readonly directory: ChangeRequestDirectory,
    private readonly environments: EnvironmentDirectory,
    private readonly flags: FlagStateReader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  create(body: CreateChangeRequestRequest, by: Principal): Promise<ChangeRequestOutcome> {
    const environment = this.environments.require(body.environment, 'environment');
    const changes = this.checkedChanges(body.changes);
    // null is "not scheduled", as leaving it out is (new Date(null) would be 1970: due at once).
    const scheduledAt = body.scheduledAt ?? null;
    if (scheduledAt !== null && Date.parse(scheduledAt) <= this.clock.now().getTime())
      throw new ValidationFailedError([{ field: 'scheduledAt', message: 'must lie in the future' }]);
    const id = `cr_${randomBytes(6).toString('base64url')}`;
    return this.run(
      id,
      {
        kind: 'create',
        id,
        environment: environment.key,
        title: body.title,
        changes,
        scheduledAt: scheduledAt === null ? null : new Date(scheduledAt).toISOString(),
        requiredApprovals: environment.requiredApprovals,
      },
      by,
      body.reason ?? null,
    );
  }

  replaceChanges(id: string, changes: ProposedChangeDto[], by: Principal, reason: string | null) {
    return this.run(id, { kind: 'replaceChanges', changes: this.checkedChanges(changes) }, by, reason);
  }

  approve(id: string, comment: string | null, by: Principal) {
    return this.run(id, { kind: 'approve', comment }, by, null);
  }

  reject(id: string, reason: string, by: Principal) {
    return this.run(id, { kind: 'reject' }, by, reason);
  }

  cancel(id: string, reason: string | null, by: Principal) {
    return this.run(id, { kind: 'cancel' }, by, reason);
  }

  acknowledge(id: string, comment: string, by: Principal) {
    return this.run(id, { kind: 'acknowledge', comment }, by, null);
  }

  /**
   * Writes every change of an approved request and its `ChangeRequestApplied` in one append, or nothing
   * (docs/contract.md §10). Each flag stream must still be at the change's base version and the request's
   * stream at the version it was decided on: a flag moved since is 409 CHANGE_REQUEST_CONFLICT naming every
   * such flag, and a second apply of the same request (another instance, a retry) loses on its stream.
   * The flag events carry the request's id, author and approvers, so a flag's history says whose four
   * eyes let the change in.
   */
  apply(id: string, by: Principal, reason: string | null): Promise<AppliedOutcome> {
    return this.perRequest.run(id, () => this.applyNow(this.require(id), by, reason, null));
  }

  /**
   * A scheduled request whose time has come (`now`, ms): applied by the schedule, or, if a flag moved or
   * was archived since it was approved, failed with the reason and nothing of it written. Exactly once
   * across instances and restarts: both outcomes are appended at the request's stream version, so an
   * instance that lost the race to another finds the request closed. What it did, or `skipped`.
   */
  applyScheduled(id: string, now: number): Promise<'applied' | 'failed' | 'skipped'> {
    return this.perRequest.run(id, async () => {
      const request = this.require(id);
      if (request.state !== 'approved' || request.scheduledAt === null) return 'skipped';
      const lateByMs = now - Date.parse(request.scheduledAt);
      if (lateByMs < 0) return 'skipped';
      const moved = this.movedFlags(request);
      try {
        if (moved.length > 0) {
          const failure = `at its scheduled time, flags had moved since it was approved: ${describeMoved(moved)}`;
          await this.step(request, { kind: 'fail', failure }, SCHEDULER, `scheduled for ${request.scheduledAt}`);
          return 'failed';
        }
        await this.applyNow(request, SCHEDULER, `scheduled for ${request.scheduledAt}`, lateByMs);
        return 'applied';
      } catch (error) {
        if (!(error instanceof VersionConflictError || error instanceof ChangeRequestConflictError)) throw error;
        // Another instance got there first, or a flag moved under the append: the next tick judges again.
        await this.feed.catchUp();
        return 'skipped';
      }
    });
  }

  private async applyNow(
    request: ChangeRequest,
    by: Principal,
    reason: string | null,
    lateByMs: number | null,
  ): Promise<AppliedOutcome> {
    const { id } = request;
    const moved = this.movedFlags(request);
    const scheduled = lateByMs !== null;
    const [applied] = decideChangeRequest({ kind: 'apply', moved, scheduled, lateByMs }, request, by);
    const changeRequest = { id, author: request.author, approvers: request.approvals.map((a) => a.by) };
    const now = this.clock.now();
    const flagAppends: StreamAppend[] = request.changes.map((change) => ({
      streamId: change.flagKey,
      expectedVersion: change.baseVersion,
      events: decideFlag(
        change.flagKey,
        flagCommandOf(change),
        this.flags.record(change.flagKey),
        request.environment,
        now,
      ).map((e) => ({ type: e.type, schemaVersion: FLAG_EVENT_SCHEMA_VERSION, data: { ...e.data, changeRequest } })),
    }));
    const streamId = changeRequestStreamId(id);
    try {
      const result = await this.store.appendAll(
        [
          ...flagAppends,
          {
            streamId,
            expectedVersion: request.version,
            events: [{ type: applied!.type, schemaVersion: CHANGE_REQUEST_EVENT_SCHEMA_VERSION, data: applied!.data }],
          },
        ],
        { ...recordedActor(by), reason },
      );
      if (result.kind !== 'appended') throw new Error('an apply without Idempotency-Key was replayed');
      await this.feed.deliver(result.events);
      return {
        request: this.require(id),
        event: result.events[result.events.length - 1]!,
        flagEvents: result.events.filter((e) => e.streamId !== streamId),
      };
    } catch (error) {
      if (!(error instanceof VersionConflictError) || scheduled) throw error;
      // Lost a race the in-memory state could not see: catch up and judge again by the log.
      await this.feed.catchUp();
      if (error.streamId !== streamId) {
        const seen = this.movedFlags(request);
        const flag = { flagKey: error.streamId, baseVersion: error.expectedVersion, version: error.actualVersion };
        throw new ChangeRequestConflictError(id, seen.length > 0 ? seen : [flag]);
      }
      decideChangeRequest({ kind: 'apply', moved: [], scheduled: false, lateByMs: null }, this.require(id), by);
      throw error;
    }
  }

  /** The changes whose flag moved past its base version, is gone, or is archived: what blocks an apply. */
  private movedFlags(request: ChangeRequest): MovedFlag[] {
    return request.changes.flatMap(({ flagKey, baseVersion }) => {
      const record = this.flags.record(flagKey);
      const version = record === undefined || record.archived ? null : record.version;
      return version === baseVersion ? [] : [{ flagKey, baseVersion, version }];
    });
  }

  /** The request, or 404 CHANGE_REQUEST_NOT_FOUND. */
  require(id: string): ChangeRequest {
    const request = this.directory.get(id);
    if (request === undefined) throw new ChangeRequestNotFoundError(id);
    return request;
  }

  /**
   * Each change's flag exists and is live, appears once, its value fits its command, and its base version
   * is one the flag has had: every refusal named by its place in the list, all of them at once.
   */
  private checkedChanges(changes: ProposedChangeDto[]): ProposedChange[] {
    const errors: FieldError[] = [];
    const seen = new Set<string>();
    changes.forEach((change, i) => {
      const at = `changes[${i}]`;
      const flag = this.flags.record(change.flagKey);
      if (flag === undefined || flag.archived)
        errors.push({ field: `${at}.flagKey`, message: `must name a flag that exists and is not archived` });
      else if (change.baseVersion > flag.version)
        errors.push({ field: `${at}.baseVersion`, message: `must be at most the flag's version, ${flag.version}` });
      if (seen.has(change.flagKey))
        errors.push({ field: `${at}.flagKey`, message: 'must name each flag once per request' });
      seen.add(change.flagKey);
      const valueError = proposedValueError(change);
      if (valueError !== undefined) errors.push({ field: `${at}.value`, message: valueError });
    });
    if (errors.length > 0) throw new ValidationFailedError(errors);
    return changes.map(({ flagKey, command, value, baseVersion }) =>
      value === undefined
        ? { flagKey, command, baseVersion }
        : { flagKey, command, value: value as number | string[], baseVersion },
    );
  }

  private run(
    id: string,
    command: ChangeRequestCommand,
    by: Principal,
    reason: string | null,
  ): Promise<ChangeRequestOutcome> {
    return this.perRequest.run(id, () =>
      this.step(command.kind === 'create' ? undefined : this.require(id), command, by, reason, id),
    );
  }

  /** Decides one step on the request as the directory holds it and appends it to the request's stream. */
  private async step(
    current: ChangeRequest | undefined,
    command: ChangeRequestCommand,
    by: Principal,
    reason: string | null,
    id = current!.id,
  ): Promise<ChangeRequestOutcome> {
    const events = decideChangeRequest(command, current, by);
    const result = await this.store.append(
      changeRequestStreamId(id),
      current?.version ?? 0,
      events.map((e: ChangeRequestEvent) => ({
        type: e.type,
        schemaVersion: CHANGE_REQUEST_EVENT_SCHEMA_VERSION,
        data: e.data,
      })),
      { ...recordedActor(by), reason },
    );
    if (result.kind !== 'appended') throw new Error('a change request step without Idempotency-Key was replayed');
    await this.feed.deliver(result.events);
    return { request: this.require(id), event: result.events[result.events.length - 1]! };
  }
}
