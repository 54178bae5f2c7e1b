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
  NotEquals,
  ValidateIf,
} from 'class-validator';
import { IsDateTime, IsRequiredText } from '../../../shared/index.js';
import { FLAG_TYPES } from '../../flag.events.js';

/** The field rules of docs/contract.md §1, shared by every request that carries the field. */
export const FLAG_KEY_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/;

/**
 * Path segments under /v1/flags that name a report, not a flag: a flag with such a key could never be
 * read by GET /v1/flags/:key, so it cannot be created.
 */
export const RESERVED_FLAG_KEYS: readonly string[] = ['stale'];

export const IsFlagKey = () =>
  applyDecorators(
    IsString(),
    Matches(FLAG_KEY_PATTERN, {
      message: `must match ${FLAG_KEY_PATTERN.source} (lower-case letters, digits, . _ -; at most 128)`,
    }),
    ...RESERVED_FLAG_KEYS.map((reserved) =>
      NotEquals(reserved, { message: `'${reserved}' is reserved: GET /v1/flags/${reserved} is a report` }),
    ),
  );

export const IsFlagType = () =>
  applyDecorators(IsIn(FLAG_TYPES, { message: `must be one of ${FLAG_TYPES.join(', ')}` }));

export const IsOwner = () => applyDecorators(IsRequiredText(200), Matches(/\S/, { message: 'must not be blank' }));

/** Absent leaves the value alone; null clears it (where the flag type allows no expiry). */
export const IsOptionalExpiry = () =>
  applyDecorators(
    ValidateIf((_, value) => value !== undefined && value !== null),
    IsDateTime(),
  );

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
