/** GET /v1/snapshot and the GET /v1/stream change stream. */
export type { DeliveryOptions } from './delivery-options.js';
export { DeliveryModule } from './delivery.module.js';
export { takeFlagSnapshot, type FlagSnapshot } from './flag-snapshot.js';
