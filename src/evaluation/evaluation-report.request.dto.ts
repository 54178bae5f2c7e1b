import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
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

/**
 * What an SDK reports: how often each flag answered with each reason since its last report, in
 * `environment` (default: the default environment, where v1 SDKs evaluate), or per line.
 */
export class EvaluationReportRequest {
  @IsReportedEnvironment()
  environment?: string;

  @IsArray()
  @ArrayMaxSize(10_000)
  // ValidateNested walks into an array item as into a list and finds nothing wrong with [].
  @IsObject({ each: true, message: 'each evaluation must be an object' })
  @ValidateNested({ each: true })
  @Type(() => EvaluationCountDto)
  evaluations!: EvaluationCountDto[];
}
