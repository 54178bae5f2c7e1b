import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsDateTime, IsOptionalText, IsRequiredText } from '../shared/index.js';
import { PROPOSED_COMMANDS, type ProposedCommand } from './change-request.events.js';
import { CHANGE_REQUEST_STATES, type ChangeRequestState } from './change-request.js';

/** More changes than this belong in several requests: each is reviewed as one. */
export const MAX_CHANGES = 50;

/** One proposed change; `value` is checked against its command by the commands (rollout 0–100, segments a list). */
export class ProposedChangeDto {
  @IsRequiredText(128)
  flagKey!: string;

  @IsIn(PROPOSED_COMMANDS, { message: `must be one of ${PROPOSED_COMMANDS.join(', ')}` })
  command!: ProposedCommand;

  @IsOptional()
  value?: unknown;

  @IsInt({ message: 'must be the flag version the change was decided against (an integer ≥ 1)' })
  @Min(1, { message: 'must be the flag version the change was decided against (an integer ≥ 1)' })
  baseVersion!: number;
}

class ChangesField {
  @IsArray()
  @ArrayMinSize(1, { message: 'must propose at least one change' })
  @ArrayMaxSize(MAX_CHANGES, { message: `must propose at most ${MAX_CHANGES} changes` })
  @IsObject({ each: true, message: 'each change must be an object' })
  @ValidateNested({ each: true })
  @Type(() => ProposedChangeDto)
  changes!: ProposedChangeDto[];
}

/** POST /v1/change-requests (docs/contract.md §10). */
export class CreateChangeRequestRequest extends ChangesField {
  @IsRequiredText(64)
  environment!: string;

  @IsRequiredText(200)
  title!: string;

  @IsOptionalText(500)
  reason?: string | null;

  @IsOptional()
  @IsDateTime()
  scheduledAt?: string | null;
}

/** PUT /v1/change-requests/:id/changes */
export class ReplaceChangesRequest extends ChangesField {
  @IsOptionalText(500)
  reason?: string | null;
}

/** approve: an optional comment. */
export class ApproveChangeRequestRequest {
  @IsOptionalText(500)
  comment?: string | null;
}

/** reject: the reason is required (it is the answer the author gets). */
export class RejectChangeRequestRequest {
  @IsRequiredText(500)
  reason!: string;
}

/** acknowledge a break-glass kill switch: what the reviewer found (required: an empty look is no review). */
export class AcknowledgeBreakGlassRequest {
  @IsRequiredText(500)
  comment!: string;
}

/** cancel and apply: an optional reason. */
export class ChangeRequestReasonRequest {
  @IsOptionalText(500)
  reason?: string | null;
}

export class ListChangeRequestsQuery {
  @IsOptional()
  @IsIn(CHANGE_REQUEST_STATES, { message: `must be one of ${CHANGE_REQUEST_STATES.join(', ')}` })
  state?: ChangeRequestState;

  @IsOptional()
  @IsRequiredText(64)
  environment?: string;

  @IsOptional()
  @IsRequiredText(128)
  flag?: string;
}
