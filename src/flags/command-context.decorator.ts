import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AuthenticatedRequest, Principal } from '../auth/index.js';
import { parseIdempotency, parseIfMatch } from './command-request-headers.js';

/** What every command route needs from the HTTP exchange besides its body. */
export interface CommandContext {
  actor: Principal;
  expectedVersion: number | undefined;
  idempotency: { key: string; fingerprint: string } | undefined;
  /** For response headers (ETag, Idempotent-Replayed); the body is returned as usual. */
  response: Response;
}

export const CommandCtx = createParamDecorator((_data: unknown, context: ExecutionContext): CommandContext => {
  const http = context.switchToHttp();
  const request = http.getRequest<Request & AuthenticatedRequest>();
  if (request.principal === undefined) throw new Error('command route without authentication');
  const ifMatch = request.headers['if-match'];
  return {
    actor: request.principal,
    expectedVersion: parseIfMatch(typeof ifMatch === 'string' ? ifMatch : undefined),
    idempotency: parseIdempotency(request),
    response: http.getResponse<Response>(),
  };
});
