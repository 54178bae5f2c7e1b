import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { MAX_CLIENT_NAME_LENGTH } from '../connected-clients/index.js';
import { ENVIRONMENT_KEY_PATTERN } from '../environments/index.js';
import { IsDateTime, IsRequiredText } from '../shared/index.js';

export const REPORTABLE_REASONS = [
  'FLAG_NOT_FOUND',
  'ARCHIVED',
  'KILL_SWITCH',
  'DISABLED',
  'SEGMENT_MISMATCH',
  'ROLLOUT_FULL',
  'ROLLOUT_OUT',
  'MISSING_USER_ID',
  'ROLLOUT_IN',
] as const;

/**
 * Absent, or an environment key's shape (400 otherwise); whether it exists is the controller's check
 * (404 ENVIRONMENT_NOT_FOUND), as for the environment in a route. Null is refused: leave it out instead.
 */
const IsReportedEnvironment = () =>
  applyDecorators(
    ValidateIf((_, value) => value !== undefined),
    IsString(),
    Matches(ENVIRONMENT_KEY_PATTERN, { message: `must match ${ENVIRONMENT_KEY_PATTERN.source}` }),
  );

export class EvaluationCountDto {
  @IsRequiredText(128)
  flagKey!: string;

  @IsIn(REPORTABLE_REASONS, { message: `must be one of ${REPORTABLE_REASONS.join(', ')}` })
  reason!: string;

  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  count!: number;

  @IsDateTime()
  lastEvaluatedAt!: string;

  /** Where these evaluations happened; default: the report's `environment`. */
  @IsReportedEnvironment()
  environment?: string;
}

/** Absent, or a non-empty string of at most MAX_CLIENT_NAME_LENGTH; null is refused, as for environment. */
const IsReportedClientName = () =>
  applyDecorators(
    ValidateIf((_, value) => value !== undefined),
    IsString(),
    Length(1, MAX_CLIENT_NAME_LENGTH),
  );

/**
 * What an SDK reports: how often each flag answered with each reason since its last report, in
 * `environment` (default: the default environment, where v1 SDKs evaluate), or per line. Since
 * GET /v1/clients, also who reports (appName, instanceId) and the last seq it applied; a report without
 * them is counted as before and lists no client.
 */
export class EvaluationReportRequest {
  @IsReportedEnvironment()
  environment?: string;

  @IsReportedClientName()
  appName?: string;

  @IsReportedClientName()
  instanceId?: string;

  /** The seq of the snapshot or stream event the SDK last applied. */
  @ValidateIf((_, value) => value !== undefined)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  appliedSeq?: number;

  @IsArray()
  @ArrayMaxSize(10_000)
  // ValidateNested walks into an array item as into a list and finds nothing wrong with [].
  @IsObject({ each: true, message: 'each evaluation must be an object' })
  @ValidateNested({ each: true })
  @Type(() => EvaluationCountDto)
  evaluations!: EvaluationCountDto[];
}
