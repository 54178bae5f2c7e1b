import type { Selectable } from 'kysely';
import { canonicalJson } from '../shared/index.js';
import type { ProjectedEvent, StoredEvent } from './event-store.js';
import type { EventTable } from './event.table.js';

/**
 * Spelled out rather than spreading toProjectedEvent: every read of the log maps its rows through here,
 * and an intermediate object per row measured as a large regression (bench/RESULTS.md, issue 11).
 */
export function toStoredEvent(row: Selectable<EventTable>): StoredEvent {
  return {
    seq: row.seq,
    streamId: row.stream_id,
    version: row.version,
    type: row.type,
    schemaVersion: row.schema_version,
    data: JSON.parse(row.data) as unknown,
    actor: row.actor,
    actorTokenId: row.actor_token_id ?? undefined,
    reason: row.reason,
    at: row.at,
    idempotencyKey: row.idempotency_key,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export function toEventRow(event: StoredEvent): EventTable {
  return {
    seq: event.seq,
    stream_id: event.streamId,
    version: event.version,
    type: event.type,
    schema_version: event.schemaVersion,
    data: canonicalJson(event.data),
    actor: event.actor,
    actor_token_id: event.actorTokenId ?? null,
    reason: event.reason,
    at: event.at,
    idempotency_key: event.idempotencyKey,
    prev_hash: event.prevHash,
    hash: event.hash,
  };
}

/** The columns of `events` a ProjectedEvent is read from, in its fields' order. */
export const PROJECTED_EVENT_COLUMNS = [
  'seq',
  'stream_id',
  'version',
  'type',
  'schema_version',
  'data',
  'actor',
  'actor_token_id',
  'reason',
  'at',
] as const satisfies readonly (keyof EventTable)[];

export type ProjectedEventRow = Pick<EventTable, (typeof PROJECTED_EVENT_COLUMNS)[number]>;

export function toProjectedEvent(row: ProjectedEventRow): ProjectedEvent {
  return {
    seq: row.seq,
    streamId: row.stream_id,
    version: row.version,
    type: row.type,
    schemaVersion: row.schema_version,
    data: JSON.parse(row.data) as unknown,
    actor: row.actor,
    actorTokenId: row.actor_token_id ?? undefined,
    reason: row.reason,
    at: row.at,
  };
}
