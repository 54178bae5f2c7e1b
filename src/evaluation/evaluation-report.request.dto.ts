import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsObject, Max, Min, ValidateNested } from 'class-validator';
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
}

/** What an SDK reports: how often each flag answered with each reason since its last report. */
export class EvaluationReportRequest {
  @IsArray()
  @ArrayMaxSize(10_000)
  // ValidateNested walks into an array item as into a list and finds nothing wrong with [].
  @IsObject({ each: true, message: 'each evaluation must be an object' })
  @ValidateNested({ each: true })
  @Type(() => EvaluationCountDto)
  evaluations!: EvaluationCountDto[];
}
