import { IsIn, IsOptional } from 'class-validator';
import type { TimelineFilterFields } from '../event-store/index.js';
import { FLAG_EVENT_TYPES } from '../flags/index.js';
import { IsDateTime, IsOptionalText } from '../shared/index.js';

/**
 * The timeline's filters (docs/contract.md §4), shared by GET /v1/audit and GET /v1/export so both select the same
 * rows for the same query string. `type` may repeat: ?type=FlagEnabled&type=FlagKillSwitchReleased.
 */
export class AuditFilterQuery implements TimelineFilterFields {
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
