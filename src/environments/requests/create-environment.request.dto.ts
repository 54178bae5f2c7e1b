import { IsOptional } from 'class-validator';
import { IsOptionalText } from '../../shared/index.js';
import type { EnvironmentType } from '../environment.js';
import {
  IsEnvironmentKey,
  IsEnvironmentName,
  IsEnvironmentType,
  IsRequiredApprovals,
} from './environment-field.validators.js';

export class CreateEnvironmentRequest {
  @IsEnvironmentKey()
  key!: string;

  @IsEnvironmentName()
  name!: string;

  @IsEnvironmentType()
  type!: EnvironmentType;

  @IsOptional()
  @IsRequiredApprovals()
  requiredApprovals?: number;

  @IsOptionalText(500)
  reason?: string | null;
}
