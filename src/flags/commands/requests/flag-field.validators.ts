import { applyDecorators } from '@nestjs/common';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import { IsRequiredText } from '../../../shared/validators.js';
import { FLAG_TYPES } from '../../flag.events.js';

/** The field rules of SPEC §1, shared by every request that carries the field. */
export const FLAG_KEY_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/;

export const IsFlagKey = () =>
  applyDecorators(IsString(), Matches(FLAG_KEY_PATTERN, { message: `must match ${FLAG_KEY_PATTERN.source} (lower-case letters, digits, . _ -; at most 128)` }));

export const IsFlagType = () => applyDecorators(IsIn(FLAG_TYPES, { message: `must be one of ${FLAG_TYPES.join(', ')}` }));

export const IsOwner = () => applyDecorators(IsRequiredText(200), Matches(/\S/, { message: 'must not be blank' }));

/**
 * RFC 3339 (the ISO-8601 profile every JSON API uses): a date, or a date-time with a zone. Week and
 * ordinal forms are ISO-8601 too, but no JSON client sends them and JavaScript cannot read them.
 */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** Date.parse rolls 2027-02-30 over to March; a typo must not silently become another date. */
function isCalendarDate(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const IsDateTime = () =>
  ValidateBy({
    name: 'isDateTime',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)) && isCalendarDate(value),
      defaultMessage: () => 'must be an ISO-8601 date-time with a zone, e.g. 2027-03-01T00:00:00Z',
    },
  });

/** Absent leaves the value alone; null clears it (where the flag type allows no expiry). */
export const IsOptionalExpiry = () => applyDecorators(ValidateIf((_, value) => value !== undefined && value !== null), IsDateTime());

export const IsPercentage = () => applyDecorators(IsInt({ message: 'must be an integer' }), Min(0), Max(100));

export const IsSegments = () =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(100),
    ArrayUnique({ message: 'must not contain duplicates' }),
    IsString({ each: true }),
    IsNotEmpty({ each: true, message: 'each segment must be a non-empty string' }),
    MaxLength(200, { each: true }),
  );

export const IsOptionalBoolean = () => applyDecorators(IsOptional(), IsBoolean());
