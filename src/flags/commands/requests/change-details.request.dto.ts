import { ValidateIf } from 'class-validator';
import { IsOptionalText } from '../../../shared/index.js';
import { CommandRequest } from './command.request.dto.js';
import { IsOptionalExpiry, IsOwner } from './flag-field.validators.js';

export class ChangeDetailsRequest extends CommandRequest {
  // null is not "absent" here: a flag always has an owner.
  @ValidateIf((_, value) => value !== undefined)
  @IsOwner()
  owner?: string;

  @IsOptionalExpiry()
  expiresAt?: string | null;

  @IsOptionalText(2000)
  description?: string | null;

  @IsOptionalText(200)
  ticket?: string | null;
}
