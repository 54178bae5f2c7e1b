import type { Kysely } from 'kysely';
import type { Database } from '../database/index.js';
import { DomainError } from '../shared/index.js';
import type { EventFilter } from './event-filter.js';
import type { EventHistory } from './event-history.js';

/** An event as a decider emits it, before the store gives it its envelope. */
export interface NewEvent {
  type: string;
  schemaVersion: number;
  data: unknown;
}

/** The stored, immutable envelope (docs/contract.md §3). */
export interface StoredEvent<Data = unknown> {
  seq: number;
  streamId: string;
  version: number;
  type: string;
  schemaVersion: number;
  data: Data;
  actor: string;
  /**
   * The id (`tok_…`) of the API-issued token that acted (docs/contract.md §9). Absent, never null, for
   * bootstrap (FLAGLEDGER_TOKENS) tokens, known by their name, for the CLI and for every event written
   * before it was recorded: then the envelope, its hash and every answer built from it are as they were.
   * Read paths set it to undefined rather than leaving the key out, so every event keeps one object
   * shape; JSON and canonical JSON both drop an undefined key.
   */
  actorTokenId?: string;
  reason: string | null;
  at: string;
  idempotencyKey: string | null;
  prevHash: string;
  hash: string;
}

/**
 * What a view of the log reads of an event: the envelope without the chain's hashes and the idempotency
 * key. A rebuild reads only these columns, and the hashes are the widest of the rest.
 */
export type ProjectedEvent = Omit<StoredEvent, 'prevHash' | 'hash' | 'idempotencyKey'>;

export interface RecordedResponse {
  status: number;
  body: unknown;
}

/**
 * Claims an idempotency key inside the append's transaction, so an acknowledged command and the
 * response a retry gets back are committed together or not at all.
 */
export interface IdempotencyClaim {
  /** Keys are scoped per principal: two tokens never see each other's responses. */
  scope: string;
  key: string;
  /** Hash of what was asked (route + body): the same key with another request is refused. */
  fingerprint: string;
  render(events: StoredEvent[]): RecordedResponse;
}

/** What one stream of an append adds: its events, if the stream is still at `expectedVersion` (0 = it must not exist). */
export interface StreamAppend {
  streamId: string;
  expectedVersion: number;
  events: readonly NewEvent[];
}

export interface AppendContext {
  actor: string;
  /** The acting principal's issued-token id, when it has one: see StoredEvent.actorTokenId. */
  actorTokenId?: string;
  reason: string | null;
  idempotency?: IdempotencyClaim;
}

export type AppendResult =
  | { kind: 'appended'; events: StoredEvent[]; response?: RecordedResponse }
  | { kind: 'replayed'; response: RecordedResponse };

export interface StoredIdempotentResponse {
  fingerprint: string;
  response: RecordedResponse;
}

export interface ChainHead {
  seq: number;
  hash: string;
  at: string | null;
}

/**
 * Changes a projection that lives in the database makes for committed events. The store runs every
 * registered one inside the append's transaction, so projections never lag or run ahead of the log.
 */
export interface TransactionalProjection {
  readonly name: string;
  /**
   * The tables this projection owns and can rebuild from seq 1. Absent for projections that record
   * facts rather than views (signed checkpoints), which a rebuild must leave alone. A projection with
   * tables is a `RebuildableProjection`: a rebuild hands it events without hashes.
   */
  readonly tables?: readonly (keyof Database)[];
  apply(db: Kysely<Database>, events: readonly StoredEvent[]): Promise<void>;
}

/** A view of the log: it owns tables a rebuild replays from seq 1, and reads no more of an event than `ProjectedEvent`. */
export interface RebuildableProjection extends TransactionalProjection {
  readonly tables: readonly (keyof Database)[];
  apply(db: Kysely<Database>, events: readonly ProjectedEvent[]): Promise<void>;
}

export function isRebuildable(projection: TransactionalProjection): projection is RebuildableProjection {
  return (projection.tables?.length ?? 0) > 0;
}

/** Which events a read wants; every field narrows, all optional. Times compare with `at` (ISO, UTC). */
export interface ProjectionWork {
  projection: TransactionalProjection;
  events: readonly StoredEvent[];
}

/** What work run by `EventStore.excludingAppends` is handed: its transaction, and the log as read in it. */
export interface AppendsExcluded {
  /** The transaction: what the work writes through it commits with it, before any append that waited. */
  readonly db: Kysely<Database>;
  /** Events with seq > afterSeq, in seq order, at most `limit`: read in the transaction, so every committed one. */
  readAll(afterSeq: number, limit: number): Promise<StoredEvent[]>;
}

export interface EventStore {
  /** Reads of past events for folds: time travel, stale detection. */
  readonly history: EventHistory;
  /** `appendAll` with one stream: the append every command makes. */
  append(
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent[],
    context: AppendContext,
  ): Promise<AppendResult>;
  /**
   * Appends to several streams in a single transaction, as one unit (a change request's apply: its flags'
   * events and its own): checks every stream's `expectedVersion`, assigns consecutive seqs in the order
   * the appends are given (each stream's versions continuing its own), chains the hashes, applies the
   * registered projections to all of the events at once and records the idempotency claim, whose
   * `render` gets every event. Either all of it is durable or none of it is written: a stream that moved
   * refuses the whole with a `VersionConflictError` naming the first such stream in the given order.
   * `AppendResult.events` holds every stored event in seq order; one context (actor, reason, token, time)
   * for them all. Throws a plain Error, writing nothing, when `appends` is empty or names a stream twice.
   */
  appendAll(appends: readonly StreamAppend[], context: AppendContext): Promise<AppendResult>;
  readStream(streamId: string): Promise<StoredEvent[]>;
  /** Events with seq > afterSeq, in seq order, at most `limit` of them. */
  readAll(afterSeq: number, limit: number): Promise<StoredEvent[]>;
  head(): Promise<ChainHead>;
  /**
   * Every matching event in seq order, read through one database cursor over a consistent snapshot of the
   * log: memory stays flat however long the history, and the consumer's pace is the read's pace.
   */
  iterate(filter: EventFilter): AsyncIterable<StoredEvent>;
  /**
   * Every event with seq > afterSeq up to the head as the read starts, in seq order, as arrays of at most
   * `batchSize`, with only what a view reads (`ProjectedEvent`): what a rebuild replays. Pages rather than
   * one event at a time, since per-event overhead dominates a read of the whole log.
   */
  readForProjections(afterSeq: number, batchSize: number): AsyncIterable<ProjectedEvent[]>;
  findIdempotentResponse(scope: string, key: string): Promise<StoredIdempotentResponse | undefined>;
  /**
   * Runs projections over already-committed events (start-up catch-up), each over its own slice, all in
   * one transaction that also moves their checkpoints.
   */
  applyProjections(work: readonly ProjectionWork[]): Promise<void>;
  /**
   * Runs `work` in one transaction during which no append, from this instance or any other, commits; what
   * it reads includes every append committed before it (a projection rebuild's swap). Appends submitted
   * meanwhile wait and commit after it: `work` must not wait for one.
   */
  excludingAppends<T>(work: (excluded: AppendsExcluded) => Promise<T>): Promise<T>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');

export const GENESIS_HASH = '0'.repeat(64);

export class VersionConflictError extends DomainError {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super('VERSION_CONFLICT', `stream '${streamId}' is at version ${actualVersion}, expected ${expectedVersion}`);
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  constructor(key: string) {
    super('IDEMPOTENCY_KEY_REUSED', `Idempotency-Key '${key}' was already used for a different request`, [
      { field: 'Idempotency-Key', message: 'was already used with a different request' },
    ]);
  }
}
