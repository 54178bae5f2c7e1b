import { Type } from 'class-transformer';
import { IsObject, IsOptional, ValidateNested } from 'class-validator';
import { IsOptionalText, IsRequiredText } from '../shared/validators.js';

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
}

export class EvaluateRequest extends EvaluateAllRequest {
  @IsRequiredText(128)
  flagKey!: string;
}
