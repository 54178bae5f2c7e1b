import type { EvaluationContext } from '../evaluation-engine/index.js';
import { ValidationFailedError } from '../shared/index.js';

/** The limits /v1/evaluate puts on the same two attributes. */
const MAX_TARGETING_KEY = 1024;
const MAX_SEGMENT = 200;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalText(value: unknown, field: string, maxLength: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value.length <= maxLength) return value;
  throw new ValidationFailedError([{ field, message: `must be a string of at most ${maxLength} characters` }]);
}

/**
 * The evaluation context of an OFREP request body `{context?: {targetingKey?, segment?, ...}}`:
 * targetingKey is the userId, `segment` the segment attribute, and every other attribute is ignored (an
 * OpenFeature context carries whatever the application knows; Flagledger's rules read only these two).
 * No body at all is an empty context, as OFREP makes `context` optional.
 */
export function ofrepContext(body: unknown): EvaluationContext {
  if (body === undefined) return {};
  if (!isPlainObject(body)) throw new ValidationFailedError([{ field: 'body', message: 'must be a JSON object' }]);
  const context = body.context;
  if (context === undefined || context === null) return {};
  if (!isPlainObject(context)) throw new ValidationFailedError([{ field: 'context', message: 'must be an object' }]);
  const userId = optionalText(context.targetingKey, 'context.targetingKey', MAX_TARGETING_KEY);
  const segment = optionalText(context.segment, 'context.segment', MAX_SEGMENT);
  return { ...(userId === undefined ? {} : { userId }), ...(segment === undefined ? {} : { segment }) };
}
