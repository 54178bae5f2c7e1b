import { Type } from 'class-transformer';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateIf, ValidateNested } from 'class-validator';

export class EvaluationContextDto {
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsString()
  @MaxLength(1024)
  userId?: string | null;

  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsString()
  @MaxLength(200)
  segment?: string | null;
}

export class EvaluateAllRequest {
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EvaluationContextDto)
  context?: EvaluationContextDto;
}

export class EvaluateRequest extends EvaluateAllRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  flagKey!: string;
}
