import { IsIn, IsOptional } from 'class-validator';
import type { FlagType } from './flag.events.js';
import { IsFlagType } from './commands/requests/flag-field.validators.js';

export class ListFlagsQuery {
  @IsOptional()
  @IsFlagType()
  type?: FlagType;

  @IsOptional()
  @IsIn(['true', 'false'], { message: "must be 'true' or 'false'" })
  includeArchived?: 'true' | 'false';
}
