import { applyDecorators } from '@nestjs/common';
import { IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';

/*
 * class-validator runs a property's rules in the order they were registered and, with stopAtFirstError,
 * reports the first that fails. applyDecorators registers in list order, so the type check comes first
 * and a number never gets told it is "too long".
 */

/** Absent or null is allowed; otherwise a string of at most maxLength. */
export const IsOptionalText = (maxLength: number) =>
  applyDecorators(ValidateIf((_, value) => value !== undefined && value !== null), IsString(), MaxLength(maxLength));

/** A required, non-empty string of at most maxLength. */
export const IsRequiredText = (maxLength: number) => applyDecorators(IsString(), IsNotEmpty(), MaxLength(maxLength));
