import type { Selectable } from 'kysely';
import type { EnvironmentChangedData } from '../environments/index.js';
import type { StoredEvent } from '../event-store/index.js';
import type { AuditTrailTable } from './audit-trail.table.js';
import type { ChangeRequestTrace } from './change-request-trace.js';
import { environmentOf, type EnvironmentView } from './environment-view.js';

/** One event of the audit trail as the API shows it: who did what, when, why, from what to what. */
export interface AuditEntry {
  seq: number;
  flag: string;
  version: number;
  type: string;
  actor: string;
  /** The issued token that acted (docs/contract.md §9); undefined, so left out of the JSON, when none did. */
  actorTokenId?: string;
  at: string;
  reason: string | null;
  from: unknown;
  to: unknown;
  /** A kill switch engaged as break glass (docs/contract.md §10); left out of the JSON on every other entry. */
  breakGlass?: true;
  /**
   * The change request whose apply wrote the event (docs/contract.md §10); left out of the JSON on every
   * other entry, so entries of data without it stay byte-identical to v1's.
   */
  changeRequest?: ChangeRequestTrace;
}

/**
 * An entry of the environment view (`environment=`, docs/contract.md §7): the v1 entry plus, at the end,
 * the environment its event acted in (null for definition and environment events) and its stream. An
 * environment event (EnvironmentCreated/EnvironmentChanged) has `flag: null`; its stream,
 * `environment:<key>`, says which environment it created or changed.
 */
export interface EnvironmentAuditEntry extends Omit<AuditEntry, 'flag'> {
  flag: string | null;
  environment: string | null;
  streamId: string;
}

export function toAuditEntry(row: Selectable<AuditTrailTable>): AuditEntry {
  return {
    seq: row.seq,
    flag: row.flag_key,
    version: row.version,
    type: row.type,
    actor: row.actor,
    actorTokenId: row.actor_token_id ?? undefined,
    at: row.at,
    reason: row.reason,
    from: JSON.parse(row.from_value) as unknown,
    to: JSON.parse(row.to_value) as unknown,
    breakGlass: row.break_glass === 1 ? true : undefined,
    changeRequest: traceOfRow(row),
  };
}

function traceOfRow(row: Selectable<AuditTrailTable>): ChangeRequestTrace | undefined {
  if (row.change_request_id === null) return undefined;
  return {
    id: row.change_request_id,
    author: row.change_request_author!,
    approvers: JSON.parse(row.change_request_approvers!) as string[],
  };
}

/** A flag event's row in the environment view; an old row's missing environment is upcast here. */
export function toEnvironmentAuditEntry(
  row: Selectable<AuditTrailTable>,
  view: EnvironmentView,
): EnvironmentAuditEntry {
  return {
    ...toAuditEntry(row),
    environment: environmentOf(view, row.type, { environment: row.environment ?? undefined }),
    streamId: row.flag_key,
  };
}

/**
 * An environment event as an entry, read from the log (audit_trail holds flag events only). `from`/`to`
 * as for flags: EnvironmentCreated from null to what it created; EnvironmentChanged, which records each
 * changed field as {from, to}, as the changed fields before → after, the shape of FlagDetailsChanged.
 */
export function environmentEventEntry(event: StoredEvent): EnvironmentAuditEntry {
  const { from, to } =
    event.type === 'EnvironmentCreated'
      ? { from: null, to: event.data }
      : fieldChanges(event.data as EnvironmentChangedData);
  return {
    seq: event.seq,
    flag: null,
    version: event.version,
    type: event.type,
    actor: event.actor,
    actorTokenId: event.actorTokenId,
    at: event.at,
    reason: event.reason,
    from,
    to,
    environment: null,
    streamId: event.streamId,
  };
}

function fieldChanges(data: EnvironmentChangedData): { from: Record<string, unknown>; to: Record<string, unknown> } {
  const from: Record<string, unknown> = {};
  const to: Record<string, unknown> = {};
  for (const [field, change] of Object.entries(data) as [string, { from: unknown; to: unknown }][]) {
    from[field] = change.from;
    to[field] = change.to;
  }
  return { from, to };
}
