import { IsOptional } from 'class-validator';
import { IsOptionalText } from '../../../shared/index.js';
import type { FlagType } from '../../flag.events.js';
import { CommandRequest } from './command.request.dto.js';
import {
  IsFlagKey,
  IsFlagType,
  IsOptionalBoolean,
  IsOptionalExpiry,
  IsOwner,
  IsPercentage,
  IsSegments,
} from './flag-field.validators.js';

export class CreateFlagRequest extends CommandRequest {
  @IsFlagKey()
  key!: string;

  @IsFlagType()
  type!: FlagType;

  @IsOwner()
  owner!: string;

  @IsOptionalExpiry()
  expiresAt?: string | null;

  @IsOptionalBoolean()
  enabled?: boolean;

  @IsOptional()
  @IsPercentage()
  rolloutPercentage?: number;

  @IsOptional()
  @IsSegments()
  targetSegments?: string[];

  @IsOptionalBoolean()
  killSwitch?: boolean;

  @IsOptionalText(2000)
  description?: string | null;

  @IsOptionalText(200)
  ticket?: string | null;
}
