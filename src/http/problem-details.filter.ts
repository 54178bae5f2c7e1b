import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import {
  DomainError,
  problem,
  PROBLEM_CONTENT_TYPE,
  RetryLaterError,
  storageFailureOf,
  storageRefusal,
  type ProblemDetails,
} from '../shared/index.js';
import { httpStatusOf } from './error-status.js';

/** Maps every error to RFC 9457 problem+json; only a genuine bug becomes a 500, and it is logged. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(thrown: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const error = asRefusal(thrown);
    const body = problemOf(error, this.logger);
    if (response.headersSent) {
      response.end();
      return;
    }
    setRefusalHeaders(response, error, body);
    response.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }
}

/**
 * A database error that means the storage is full or unreachable, from whatever read or write of any
 * route, as the 503 refusal it is (with Retry-After), not a bug: only appends mark the store down, but
 * no route answers a 500 for an outage. Anything else as thrown.
 */
export function asRefusal(error: unknown): unknown {
  if (error instanceof DomainError) return error;
  const failure = storageFailureOf(error);
  return failure === undefined ? error : storageRefusal(failure);
}

/** The problem an error is, whatever wire format then carries it. A genuine bug is logged and is a 500. */
export function problemOf(error: unknown, logger: Logger): ProblemDetails {
  if (error instanceof DomainError) return problem(httpStatusOf(error.code), error.code, error.message, error.errors);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = status === 404 ? 'ROUTE_NOT_FOUND' : `HTTP_${status}`;
    return problem(status, code, error.message);
  }
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return problem(500, 'INTERNAL_ERROR', 'an unexpected error occurred; it has been logged');
}

/** The headers a refusal carries in every wire format: the auth challenge of a 401, and when to retry. */
export function setRefusalHeaders(response: Response, error: unknown, refusal: ProblemDetails): void {
  if (refusal.status === 401) response.setHeader('WWW-Authenticate', 'Bearer realm="flagledger"');
  if (error instanceof RetryLaterError) response.setHeader('Retry-After', String(error.retryAfterSeconds));
}
