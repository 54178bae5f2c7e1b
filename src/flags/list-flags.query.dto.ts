import { IsIn, IsOptional } from 'class-validator';
import { IsDateTime } from '../shared/index.js';
import { IsFlagType } from './commands/requests/flag-field.validators.js';
import type { FlagType } from './flag.events.js';

export class ListFlagsQuery {
  @IsOptional()
  @IsFlagType()
  type?: FlagType;

  @IsOptional()
  @IsIn(['true', 'false'], { message: "must be 'true' or 'false'" })
  includeArchived?: 'true' | 'false';

  /** Time travel: the flags as they were at this instant. */
  @IsOptional()
  @IsDateTime()
  asOf?: string;
}
