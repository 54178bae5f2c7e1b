import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/index.js';
import { APP_CONFIG, CLOCK, DomainError, RetryLaterError, type Clock } from '../../shared/index.js';
import { FailureThrottle } from './failure-throttle.js';

/** A few hundred bytes each: the table stays within a few MB whatever addresses arrive. */
const MAX_TRACKED_ADDRESSES = 10_000;

export class TooManyFailedAuthenticationsError extends RetryLaterError {
  constructor(retryAfterSeconds: number) {
    super(
      'TOO_MANY_FAILED_AUTHENTICATIONS',
      `too many failed authentications from this address; try again in ${retryAfterSeconds} s (valid credentials are never refused)`,
      retryAfterSeconds,
    );
  }
}

/**
 * Who sent the request: Express's `request.ip`, the socket's peer while `trust proxy` is off (it is).
 * Typed loosely because callers hold the request under narrower types of their own; it is Express's.
 */
function addressOf(request: object): string {
  const { ip, socket } = request as { ip?: string; socket?: { remoteAddress?: string } };
  return ip ?? socket?.remoteAddress ?? 'unknown';
}

/**
 * Failed authentications per client address (docs/contract.md §9), so a token cannot be guessed at
 * the speed of the network. Only refusals pass through here: a request with a valid credential never
 * reaches it, and so is never throttled, whatever its address did before.
 *
 * X-Forwarded-For is not honoured: a client could pick a fresh address per guess. Behind a reverse proxy
 * every client shares the proxy's address, and so its failures share one bucket.
 */
@Injectable()
export class FailedAuthentications {
  private readonly throttle: FailureThrottle;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(CLOCK) clock: Clock) {
    this.throttle = new FailureThrottle({ ...config.authFailures, maxAddresses: MAX_TRACKED_ADDRESSES }, () =>
      clock.now().getTime(),
    );
  }

  /**
   * What to throw for `error`: an UNAUTHENTICATED refusal is counted against the request's address and
   * comes back as it is, or as a 429 once the address has spent its burst. Any other error comes back
   * unchanged and uncounted (a 403 is no guess at a credential).
   */
  refused(request: object, error: unknown): unknown {
    if (!(error instanceof DomainError) || error.code !== 'UNAUTHENTICATED') return error;
    const retryAfter = this.throttle.fail(addressOf(request));
    return retryAfter === undefined ? error : new TooManyFailedAuthenticationsError(retryAfter);
  }
}
