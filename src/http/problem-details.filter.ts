import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, problem, PROBLEM_CONTENT_TYPE, RetryLaterError, type ProblemDetails } from '../shared/index.js';
import { httpStatusOf } from './error-status.js';

/** Maps every error to RFC 9457 problem+json; only a genuine bug becomes a 500, and it is logged. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toProblem(error);
    if (response.headersSent) {
      response.end();
      return;
    }
    if (body.status === 401) response.setHeader('WWW-Authenticate', 'Bearer realm="flagledger"');
    if (error instanceof RetryLaterError) response.setHeader('Retry-After', String(error.retryAfterSeconds));
    response.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }

  private toProblem(error: unknown): ProblemDetails {
    if (error instanceof DomainError) return problem(httpStatusOf(error.code), error.code, error.message, error.errors);
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const code = status === 404 ? 'ROUTE_NOT_FOUND' : `HTTP_${status}`;
      return problem(status, code, error.message);
    }
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return problem(500, 'INTERNAL_ERROR', 'an unexpected error occurred; it has been logged');
  }
}
