/** GET /v1/snapshot and the GET /v1/stream change stream. */
export type { DeliveryOptions } from './delivery-options.js';
export { DeliveryModule } from './delivery.module.js';
export { takeFlagSnapshot, type FlagSnapshot } from './flag-snapshot.js';
export type { FlagChange, FlagFrame } from './flag-change.js';
export { FlagStreams } from './flag-streams.js';
export { sseEvent } from './server-sent-events.js';
export type { StreamFormat } from './stream-format.js';
