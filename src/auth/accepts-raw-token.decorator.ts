import { SetMetadata } from '@nestjs/common';

export const ACCEPTS_RAW_TOKEN = 'flagledger:accepts-raw-token';

/**
 * The route also takes the token as the whole Authorization header, without `Bearer `: what other
 * people's clients send (Unleash SDKs put the token there raw). A wrong raw token is a failed
 * authentication like any other, counted by the throttle.
 */
export const AcceptsRawToken = () => SetMetadata(ACCEPTS_RAW_TOKEN, true);
