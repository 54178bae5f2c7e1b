import { IsIn, IsOptional } from 'class-validator';
import type { EventFilter } from '../event-store/event-store.js';
import { FLAG_EVENT_TYPES } from '../flags/flag.events.js';
import { IsDateTime, IsOptionalText } from '../shared/validators.js';

/**
 * The timeline's filters (SPEC §4), shared by GET /v1/audit and GET /v1/export so both select the same
 * rows for the same query string. `type` may repeat: ?type=FlagEnabled&type=FlagKillSwitchReleased.
 */
export class AuditFilterQuery {
  @IsOptionalText(128)
  flag?: string;

  @IsOptionalText(64)
  actor?: string;

  @IsOptional()
  @IsIn(FLAG_EVENT_TYPES, { each: true, message: `each type must be one of ${FLAG_EVENT_TYPES.join(', ')}` })
  type?: string | string[];

  @IsOptional()
  @IsDateTime()
  from?: string;

  @IsOptional()
  @IsDateTime()
  to?: string;
}

/** The filter in the event store's terms; times normalised to the stored ISO form so they compare as text. */
export function toEventFilter(query: AuditFilterQuery): EventFilter {
  const types = query.type === undefined ? undefined : Array.isArray(query.type) ? query.type : [query.type];
  return {
    ...(query.flag !== undefined ? { streamId: query.flag } : {}),
    ...(query.actor !== undefined ? { actor: query.actor } : {}),
    ...(types !== undefined ? { types } : {}),
    ...(query.from !== undefined ? { from: new Date(query.from).toISOString() } : {}),
    ...(query.to !== undefined ? { to: new Date(query.to).toISOString() } : {}),
  };
}
