import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { bearerCredential, FailedAuthentications, UnauthenticatedError } from '../auth/index.js';
import type { AppConfig } from '../config/index.js';
import { APP_CONFIG, sha256Hex } from '../shared/index.js';

/**
 * FLAGLEDGER_METRICS_TOKEN, when set: GET /metrics then answers only `Authorization: Bearer <it>`. Only
 * that token: a scraper's configuration then never holds a credential that can also read or change
 * flags, and an API token is no key to the metrics. Unset, the route is open, as /health.
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  /** sha256 of the token, so the comparison below is over equal lengths whatever was sent. */
  private readonly expected: Buffer | null;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly failures: FailedAuthentications,
  ) {
    this.expected = config.metricsToken === null ? null : Buffer.from(sha256Hex(config.metricsToken));
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.expected === null) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const header = request.headers.authorization;
    const sent = header === undefined ? undefined : bearerCredential(header);
    // Constant time: how long the comparison takes says nothing of how much of a guess was right.
    if (sent !== undefined && timingSafeEqual(Buffer.from(sha256Hex(sent)), this.expected)) return true;
    throw this.failures.refused(
      request,
      new UnauthenticatedError('GET /metrics needs Authorization: Bearer <FLAGLEDGER_METRICS_TOKEN>'),
    );
  }
}
