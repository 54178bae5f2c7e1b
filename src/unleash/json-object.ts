import { ValidationFailedError } from '../shared/index.js';

export type JsonObject = Record<string, unknown>;

/** `value` if it is a JSON object (not an array, not null); else a 400 naming `field`. */
export function requireJsonObject(value: unknown, field: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ValidationFailedError([{ field, message: 'must be a JSON object' }]);
  return value as JsonObject;
}
