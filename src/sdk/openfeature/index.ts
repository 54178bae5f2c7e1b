/**
 * flagledger/sdk/openfeature: an OpenFeature server provider over a FlagledgerClient. A separate entry
 * point, so services that do not use OpenFeature never load @openfeature/server-sdk.
 */
export {
  FlagledgerProvider,
  type FlagledgerProviderOptions,
  type FlagledgerProviderSource,
} from './flagledger-provider.js';
