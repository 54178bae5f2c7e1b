import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { asRefusal, jsonBodyMiddleware, problemOf, setRefusalHeaders, type BodyRefusal } from '../http/index.js';
import { problem } from '../shared/index.js';
import { sendOfrepFailure } from './ofrep-failure.js';

/**
 * Every refusal of the OFREP routes, the guard's included, in OFREP's wire format instead of
 * problem+json: OpenFeature clients read `errorCode` and give up on any other shape.
 */
@Catch()
export class OfrepFailureFilter implements ExceptionFilter {
  private readonly logger = new Logger('Ofrep');

  catch(thrown: unknown, host: ArgumentsHost): void {
    const error = asRefusal(thrown);
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

// Case-insensitive, as Express's routing is.
const SINGLE_FLAG_PATH = /^\/ofrep\/v1\/evaluate\/flags\/([^/?]+)/i;

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
const ofrepBodyRefusal: BodyRefusal = (req, res, refusal) =>
  sendOfrepFailure(res, refusal, flagKeyOfPath(req.originalUrl));

/**
 * A flag key that is not valid percent-encoding: Express would fail to decode it while routing, where
 * only the global problem+json filter is in reach, so it is answered here first, in OFREP's shape, with
 * the key as it was sent: FLAG_NOT_FOUND, as no such key can exist (so nothing is learnt without a token).
 */
const undecodablePath: RequestHandler = (req, res, next) => {
  const encoded = SINGLE_FLAG_PATH.exec(req.originalUrl)?.[1];
  if (encoded === undefined || decodes(encoded)) return next();
  const detail = `flag '${encoded}' does not exist: its key is not valid percent-encoding`;
  sendOfrepFailure(res, problem(404, 'FLAG_NOT_FOUND', detail), encoded);
};

function decodes(encoded: string): boolean {
  try {
    decodeURIComponent(encoded);
    return true;
  } catch {
    return false;
  }
}

/** What every request on OFREP's path goes through before routing, each refusal in OFREP's shape. */
export function ofrepRequestPipeline(): readonly (RequestHandler | ErrorRequestHandler)[] {
  return [undecodablePath, ...jsonBodyMiddleware(ofrepBodyRefusal)];
}
