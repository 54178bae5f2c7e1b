import { applyDecorators } from '@nestjs/common';
import { IsNotEmpty, IsString, MaxLength, ValidateBy, ValidateIf } from 'class-validator';

/*
 * class-validator runs a property's rules in the order they were registered and, with stopAtFirstError,
 * reports the first that fails. applyDecorators registers in list order, so the type check comes first
 * and a number never gets told it is "too long".
 */

/** Absent or null is allowed; otherwise a string of at most maxLength. */
export const IsOptionalText = (maxLength: number) =>
  applyDecorators(
    ValidateIf((_, value) => value !== undefined && value !== null),
    IsString(),
    MaxLength(maxLength),
  );

/** A required, non-empty string of at most maxLength. */
export const IsRequiredText = (maxLength: number) => applyDecorators(IsString(), IsNotEmpty(), MaxLength(maxLength));

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

export const IsDateTime = () =>
  ValidateBy({
    name: 'isDateTime',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)) && isCalendarDate(value),
      defaultMessage: () => 'must be an ISO-8601 date-time with a zone, e.g. 2027-03-01T00:00:00Z',
    },
  });

/**
 * A query-string integer (query values arrive as text): digits only — no sign, decimals or exponent, which
 * Number() would quietly accept — within [min, max]. Convert with Number() once validated.
 */
export const IsIntegerString = (min: number, max: number = Number.MAX_SAFE_INTEGER) =>
  ValidateBy({
    name: 'isIntegerString',
    constraints: [min, max],
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && /^\d{1,16}$/.test(value) && Number(value) >= min && Number(value) <= max,
      defaultMessage: () =>
        max === Number.MAX_SAFE_INTEGER ? `must be an integer ≥ ${min}` : `must be an integer from ${min} to ${max}`,
    },
  });
