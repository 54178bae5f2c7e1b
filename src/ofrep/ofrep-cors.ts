import type { RequestHandler } from 'express';

/** What a browser's OFREP provider sends and must read (OFREP 0.3 with the web provider's ETag polling). */
const ALLOWED_HEADERS = 'Content-Type, If-None-Match, Authorization, X-API-Key, Flagledger-App, Flagledger-Instance';
const EXPOSED_HEADERS = 'ETag, Retry-After';
/** How long a browser may reuse a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE = 600;

/**
 * Cross-origin access to the OFREP routes for the origins configured (FLAGLEDGER_CORS_ORIGINS; `*` for
 * any): browser apps evaluating through an OpenFeature web provider. Tokens travel in headers, never
 * cookies, so credentials are not allowed. Off when no origin is configured: the middleware is then
 * not mounted, and a browser elsewhere cannot read an answer.
 */
export function ofrepCors(origins: readonly string[]): RequestHandler {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    res.vary('Origin');
    const admitted = origin !== undefined && (any || allowed.has(origin));
    if (admitted) {
      res.setHeader('Access-Control-Allow-Origin', any ? '*' : origin);
      res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    }
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      // A preflight: answered here, before authentication, which a browser never sends with it.
      if (admitted) {
        res.setHeader('Access-Control-Allow-Methods', 'POST');
        res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
        res.setHeader('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE));
      }
      res.status(204).end();
      return;
    }
    next();
  };
}
