import { IsOptional, ValidateBy } from 'class-validator';
import { IsDateTime, IsIntegerString } from '../shared/index.js';
import type { FlagMoment } from './time-travel/flag-time-travel.js';

/** GET /v1/flags/:key: the current state, or time travel to one instant or one version (not both). */
export class GetFlagQuery {
  @IsOptional()
  @IsDateTime()
  asOf?: string;

  @IsOptional()
  @IsIntegerString(1)
  @ValidateBy({
    name: 'notWithAsOf',
    validator: {
      validate: (_value: unknown, args) => (args?.object as GetFlagQuery).asOf === undefined,
      defaultMessage: () => 'cannot be combined with asOf: ask for one point in time',
    },
  })
  version?: string;
}

/** The moment the query asks for; undefined for the current state. */
export function flagMomentOf(query: GetFlagQuery): FlagMoment | undefined {
  if (query.asOf !== undefined) return { asOf: query.asOf };
  if (query.version !== undefined) return { version: Number(query.version) };
  return undefined;
}
