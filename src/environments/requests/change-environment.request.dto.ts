import { IsOptional } from 'class-validator';
import { IsOptionalText } from '../../shared/index.js';
import type { EnvironmentType } from '../environment.js';
import { IsEnvironmentName, IsEnvironmentType, IsRequiredApprovals } from './environment-field.validators.js';

/** Absent fields stay as they are; the key is immutable. */
export class ChangeEnvironmentRequest {
  @IsOptional()
  @IsEnvironmentName()
  name?: string;

  @IsOptional()
  @IsEnvironmentType()
  type?: EnvironmentType;

  @IsOptional()
  @IsRequiredApprovals()
  requiredApprovals?: number;

  @IsOptionalText(500)
  reason?: string | null;
}
