import { Type } from 'class-transformer';
import { IsObject, IsOptional, ValidateNested } from 'class-validator';
import { IsDateTime, IsOptionalText, IsRequiredText } from '../shared/index.js';

export class EvaluationContextDto {
  @IsOptionalText(1024)
  userId?: string | null;

  @IsOptionalText(200)
  segment?: string | null;
}

export class EvaluateAllRequest {
  @IsOptional()
  @ValidateNested()
  @Type(() => EvaluationContextDto)
  @IsObject()
  context?: EvaluationContextDto;

  /** Time travel: evaluate against the flags as they were at this instant. */
  @IsOptional()
  @IsDateTime()
  asOf?: string;
}

export class EvaluateRequest extends EvaluateAllRequest {
  @IsRequiredText(128)
  flagKey!: string;
}

const OWN = Object.prototype.hasOwnProperty;

/** A JSON object as JSON.parse builds it: not null, not an array, Object.prototype as its prototype. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function isOptionalText(value: unknown, maxLength: number): boolean {
  // A UTF-16 length within the limit is within class-validator's (which counts a surrogate pair once).
  return value === undefined || value === null || (typeof value === 'string' && value.length <= maxLength);
}

/**
 * The hot path of POST /v1/evaluate: the body every client sends, `{flagKey, context?: {userId?, segment?}}`
 * with plain strings, recognised by hand instead of through class-transformer and class-validator. It accepts a strict subset of what EvaluateRequest accepts and answers undefined for
 * anything else (asOf, an unknown or reserved key, a wrong type, a string near its limit), which then goes
 * through the full validation pipe, so every rejection keeps its exact problem+json.
 */
export function plainEvaluateRequest(body: unknown): { flagKey: string; context?: EvaluationContextDto } | undefined {
  if (!isPlainObject(body)) return undefined;
  let keys = 0;
  const { flagKey, context } = body;
  if (typeof flagKey !== 'string' || flagKey.length === 0 || flagKey.length > 128) return undefined;
  keys++;
  if (OWN.call(body, 'context')) {
    if (!isPlainObject(context)) return undefined;
    let contextKeys = 0;
    if (OWN.call(context, 'userId')) {
      if (!isOptionalText(context.userId, 1024)) return undefined;
      contextKeys++;
    }
    if (OWN.call(context, 'segment')) {
      if (!isOptionalText(context.segment, 200)) return undefined;
      contextKeys++;
    }
    if (Object.keys(context).length !== contextKeys) return undefined;
    keys++;
  }
  if (Object.keys(body).length !== keys) return undefined;
  return body as { flagKey: string; context?: EvaluationContextDto };
}
