import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { problemOf, setRefusalHeaders, type BodyRefusal } from '../http/index.js';
import { sendOfrepFailure } from './ofrep-failure.js';

/**
 * Every refusal of the OFREP routes, the guard's included, in OFREP's wire format instead of
 * problem+json: OpenFeature clients read `errorCode` and give up on any other shape.
 */
@Catch()
export class OfrepFailureFilter implements ExceptionFilter {
  private readonly logger = new Logger('Ofrep');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    if (res.headersSent) {
      res.end();
      return;
    }
    const refusal = problemOf(error, this.logger);
    setRefusalHeaders(res, error, refusal);
    const key = http.getRequest<Request>().params?.key;
    sendOfrepFailure(res, refusal, typeof key === 'string' ? key : undefined);
  }
}

const SINGLE_FLAG_PATH = /^\/ofrep\/v1\/evaluate\/flags\/([^/?]+)/;

/** The flag a request to the single-flag route names, read from its path: routing has not run yet. */
function flagKeyOfPath(url: string): string | undefined {
  const encoded = SINGLE_FLAG_PATH.exec(url)?.[1];
  if (encoded === undefined) return undefined;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

/** A body refused before routing (bad JSON, too large, too deep), answered as OFREP answers it. */
export const ofrepBodyRefusal: BodyRefusal = (req, res, refusal) =>
  sendOfrepFailure(res, refusal, flagKeyOfPath(req.originalUrl));
