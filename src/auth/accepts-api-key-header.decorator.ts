import { SetMetadata } from '@nestjs/common';

export const ACCEPTS_API_KEY_HEADER = 'flagledger:accepts-api-key-header';

/**
 * The route also takes the token in an `X-API-Key` header when Authorization is absent: OFREP's other
 * security scheme, which OpenFeature providers are configured with. A wrong key is a failed
 * authentication like any other, counted by the throttle.
 */
export const AcceptsApiKeyHeader = () => SetMetadata(ACCEPTS_API_KEY_HEADER, true);
