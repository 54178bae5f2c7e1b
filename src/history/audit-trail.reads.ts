import type { ExpressionBuilder, SelectQueryBuilder } from 'kysely';
import type { Database } from '../database/index.js';
import { FLAG_EVENT_TYPES_WITH_ENVIRONMENT } from '../flags/index.js';
import type { TimelineFilter } from './audit-filter.query.dto.js';
import type { EnvironmentView } from './environment-view.js';

type AuditSelect<O> = SelectQueryBuilder<Database, 'audit_trail', O>;

/** The timeline's filters (flag, actor, types, from, to, changeRequest) on a read of audit_trail. */
export function narrowed<O>(select: AuditSelect<O>, filter: TimelineFilter): AuditSelect<O> {
  let narrowedSelect = select;
  if (filter.streamId !== undefined) narrowedSelect = narrowedSelect.where('flag_key', '=', filter.streamId);
  if (filter.actor !== undefined) narrowedSelect = narrowedSelect.where('actor', '=', filter.actor);
  if (filter.types !== undefined && filter.types.length > 0)
    narrowedSelect = narrowedSelect.where('type', 'in', filter.types);
  if (filter.from !== undefined) narrowedSelect = narrowedSelect.where('at', '>=', filter.from);
  if (filter.to !== undefined) narrowedSelect = narrowedSelect.where('at', '<=', filter.to);
  if (filter.changeRequest !== undefined)
    narrowedSelect = narrowedSelect.where('change_request_id', '=', filter.changeRequest);
  return narrowedSelect;
}

/**
 * Only rows of events that acted in one of the view's environments. A row whose event names no
 * environment is the default one's when its type carries an environment (written before environments),
 * and nobody's otherwise (a definition event), the rule `environmentOfEvent` applies on read.
 */
export function inEnvironments<O>(select: AuditSelect<O>, view: EnvironmentView): AuditSelect<O> {
  const keys = view.keys;
  if (keys === null) return select;
  return select.where((eb: ExpressionBuilder<Database, 'audit_trail'>) => {
    const named = eb('environment', 'in', [...keys]);
    if (!keys.has(view.defaultKey)) return named;
    return eb.or([named, eb.and([eb('environment', 'is', null), eb('type', 'in', FLAG_EVENT_TYPES_WITH_ENVIRONMENT)])]);
  });
}
