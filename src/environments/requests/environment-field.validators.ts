import { applyDecorators } from '@nestjs/common';
import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { IsRequiredText } from '../../shared/index.js';
import { ENVIRONMENT_KEY_PATTERN, ENVIRONMENT_TYPES, MAX_REQUIRED_APPROVALS } from '../environment.js';

/** The field rules of docs/contract.md §7. */
export const IsEnvironmentKey = () =>
  applyDecorators(
    IsString(),
    Matches(ENVIRONMENT_KEY_PATTERN, {
      message: `must match ${ENVIRONMENT_KEY_PATTERN.source} (lower-case letters, digits, -; at most 32)`,
    }),
  );

export const IsEnvironmentName = () =>
  applyDecorators(IsRequiredText(100), Matches(/\S/, { message: 'must not be blank' }));

export const IsEnvironmentType = () =>
  applyDecorators(IsIn(ENVIRONMENT_TYPES, { message: `must be one of ${ENVIRONMENT_TYPES.join(', ')}` }));

export const IsRequiredApprovals = () =>
  applyDecorators(
    IsInt({ message: 'must be an integer' }),
    Min(0),
    Max(MAX_REQUIRED_APPROVALS, { message: `must not be greater than ${MAX_REQUIRED_APPROVALS}` }),
  );
