import { Type } from 'class-transformer';
import { IsObject, IsOptional, ValidateNested } from 'class-validator';
import { IsDateTime, IsOptionalText, IsRequiredText } from '../shared/validators.js';

export class EvaluationContextDto {
  @IsOptionalText(1024)
  userId?: string | null;

  @IsOptionalText(200)
  segment?: string | null;
}

export class EvaluateAllRequest {
  @IsOptional()
  @ValidateNested()
  @Type(() => EvaluationContextDto)
  @IsObject()
  context?: EvaluationContextDto;

  /** Time travel: evaluate against the flags as they were at this instant. */
  @IsOptional()
  @IsDateTime()
  asOf?: string;
}

export class EvaluateRequest extends EvaluateAllRequest {
  @IsRequiredText(128)
  flagKey!: string;
}
