import { isUtf8 } from 'node:buffer';
import express, {
  type ErrorRequestHandler,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import {
  type ErrorCode,
  type FieldError,
  ValidationFailedError,
  problem,
  PROBLEM_CONTENT_TYPE,
  type ProblemDetails,
} from '../shared/index.js';
import { httpStatusOf } from './error-status.js';

export const MAX_BODY_BYTES = 1024 * 1024;
/** Containers nested deeper than this below the top-level value are refused. */
export const MAX_JSON_DEPTH = 8;
/** The media types accepted as JSON, by the 415 check and by the parser alike (else a body passes one and is dropped by the other). */
const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'];

/**
 * How a refused body is answered, from middleware, before Nest's filters are in reach: problem+json, or
 * the wire format of a protocol mounted on its own path (OFREP) with the same status.
 */
export type BodyRefusal = (req: Request, res: Response, refusal: ProblemDetails) => void;

const answerProblem: BodyRefusal = (_req, res, refusal) => {
  res.status(refusal.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(refusal));
};

/**
 * The refusal of a body as problem details. The status comes from the one table, except for a 4xx that
 * body-parser itself reported (e.g. 415 for an unsupported charset): `status` passes it on.
 */
function refusal(code: ErrorCode, detail: string, errors?: FieldError[], status = httpStatusOf(code)): ProblemDetails {
  return problem(status, code, detail, errors);
}

/** Refuses a body that is not JSON instead of silently ignoring it. */
const requireJsonContentType =
  (refuse: BodyRefusal) =>
  (req: Request, res: Response, next: NextFunction): void => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !req.is(JSON_MEDIA_TYPES)) {
      refuse(
        req,
        res,
        refusal(
          'UNSUPPORTED_MEDIA_TYPE',
          `request bodies must be application/json, got '${req.headers['content-type'] ?? 'none'}'`,
        ),
      );
      return;
    }
    next();
  };

/** The decoder would silently replace bad bytes with U+FFFD; stored text must be what the client meant. */
function rejectInvalidUtf8(_req: Request, _res: Response, buffer: Buffer): void {
  if (!isUtf8(buffer)) throw new Error('invalid UTF-8');
}

/** The refusal of a body-parser failure (bad JSON, too large, bad charset): always a 4xx. */
function parserRefusal(e: { status?: number; type?: string; message?: string }): ProblemDetails {
  if (e.type === 'entity.too.large') return refusal('BODY_TOO_LARGE', `request body exceeds ${MAX_BODY_BYTES} bytes`);
  if (e.type === 'entity.verify.failed') return refusal('INVALID_UTF8', 'request body is not valid UTF-8');
  if (e.type === 'entity.parse.failed')
    return refusal('MALFORMED_JSON', `request body is not valid JSON: ${e.message ?? ''}`);
  const status = typeof e.status === 'number' && e.status >= 400 && e.status < 500 ? e.status : 400;
  return refusal('BAD_REQUEST_BODY', e.message ?? 'request body could not be read', undefined, status);
}

const bodyParserErrors =
  (refuse: BodyRefusal) =>
  (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (error === null || typeof error !== 'object') {
      next(error);
      return;
    }
    refuse(req, res, parserRefusal(error));
  };

/** The path of the first container nested deeper than MAX_JSON_DEPTH, found without recursion. */
function tooDeepField(body: unknown): string | undefined {
  const pending: Array<{ value: unknown; path: string; depth: number }> = [{ value: body, path: '', depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, path, depth } = next;
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) return path || 'body';
    for (const [key, child] of Object.entries(value))
      pending.push({ value: child, path: path ? `${path}.${key}` : key, depth: depth + 1 });
  }
  return undefined;
}

/**
 * Refuses absurdly deep documents as soon as they are parsed: route parameters (the Idempotency-Key
 * fingerprint, a recursive canonical JSON) read the body before the validation pipe sees it.
 */
const rejectDeepJson =
  (refuse: BodyRefusal) =>
  (req: Request, res: Response, next: NextFunction): void => {
    const field = tooDeepField(req.body);
    if (field === undefined) return next();
    const error = new ValidationFailedError([{ field, message: `nests deeper than ${MAX_JSON_DEPTH} levels` }]);
    refuse(req, res, refusal(error.code, error.message, error.errors));
  };

/**
 * The JSON body pipeline, mounted before the routes in place of Nest's default parser; `refuse` answers
 * a body it refuses (problem+json unless a protocol's path mounts its own).
 */
export function jsonBodyMiddleware(
  refuse: BodyRefusal = answerProblem,
): readonly (RequestHandler | ErrorRequestHandler)[] {
  return [
    requireJsonContentType(refuse),
    express.json({ type: JSON_MEDIA_TYPES, limit: MAX_BODY_BYTES, strict: true, verify: rejectInvalidUtf8 }),
    bodyParserErrors(refuse),
    rejectDeepJson(refuse),
  ] as const;
}
