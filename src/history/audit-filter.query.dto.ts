import { IsOptional, ValidateBy, type ValidationArguments } from 'class-validator';
import { ENVIRONMENT_EVENT_TYPES } from '../environments/index.js';
import { toEventFilter, type EventFilter, type TimelineFilterFields } from '../event-store/index.js';
import { FLAG_EVENT_TYPES } from '../flags/index.js';
import { IsDateTime, IsOptionalText } from '../shared/index.js';
import { IsChangeRequestId } from './change-request-trace.js';
import { IsEnvironmentParameter } from './environment-view.js';

const TYPES_IN_ENVIRONMENT_VIEW: readonly string[] = [...FLAG_EVENT_TYPES, ...ENVIRONMENT_EVENT_TYPES];

/**
 * The types `type` may name: environment events are timeline entries only in the environment view
 * (`environment=`), so only there may a filter ask for them; without it the rule and its message are v1's.
 */
const typesAllowed = (args: ValidationArguments | undefined): readonly string[] =>
  (args?.object as AuditFilterQuery | undefined)?.environment === undefined
    ? FLAG_EVENT_TYPES
    : TYPES_IN_ENVIRONMENT_VIEW;

const IsTimelineType = () =>
  ValidateBy({
    name: 'isTimelineType',
    validator: {
      validate: (value: unknown, args) => {
        const allowed = typesAllowed(args);
        return (Array.isArray(value) ? value : [value]).every((v) => typeof v === 'string' && allowed.includes(v));
      },
      defaultMessage: (args) => `each type must be one of ${typesAllowed(args).join(', ')}`,
    },
  });

/**
 * The timeline's filters (docs/contract.md §4), shared by GET /v1/audit and GET /v1/export so both select the same
 * rows for the same query string. `type` may repeat: ?type=FlagEnabled&type=FlagKillSwitchReleased. So may
 * `environment` (§7), which also switches on the environment view (see EnvironmentView).
 */
export class AuditFilterQuery implements TimelineFilterFields {
  @IsOptionalText(128)
  flag?: string;

  @IsOptionalText(64)
  actor?: string;

  @IsOptional()
  @IsTimelineType()
  type?: string | string[];

  @IsOptional()
  @IsDateTime()
  from?: string;

  @IsOptional()
  @IsDateTime()
  to?: string;

  @IsOptional()
  @IsEnvironmentParameter()
  environment?: string | string[];

  /** Only the flag events that change request's apply wrote (docs/contract.md §10). */
  @IsOptional()
  @IsChangeRequestId()
  changeRequest?: string;
}

/**
 * The log's filter plus `changeRequest`, which names a field inside flag events' data: audit_trail has it
 * as a column, the log does not, so a read of the log must apply it itself (the event store never sees it).
 */
export interface TimelineFilter extends EventFilter {
  changeRequest?: string;
}

export function toTimelineFilter(query: AuditFilterQuery): TimelineFilter {
  return {
    ...toEventFilter(query),
    ...(query.changeRequest !== undefined ? { changeRequest: query.changeRequest } : {}),
  };
}
