/** The hash-chained, append-only event log behind one interface, and the committed-event feed. */
export { batches } from './batches.js';
export { CommittedEventFeed } from './committed-event-feed.js';
export { createEventStore } from './create-event-store.js';
export { toEventFilter, type EventFilter, type TimelineFilterFields } from './event-filter.js';
export { eventHash, unhashedEnvelope } from './event-hash.js';
export { FoldedStreams, type FoldSpec } from './folded-streams.js';
export type { EventHistory, FoldableEventRow, HistoryPoint, StreamTailStart } from './event-history.js';
export {
  EVENT_STORE,
  GENESIS_HASH,
  IdempotencyKeyReusedError,
  isRebuildable,
  VersionConflictError,
  type AppendsExcluded,
  type ChainHead,
  type EventStore,
  type IdempotencyClaim,
  type ProjectedEvent,
  type RebuildableProjection,
  type RecordedResponse,
  type StoredEvent,
  type StreamAppend,
  type TransactionalProjection,
} from './event-store.js';
export { EventStoreModule } from './event-store.module.js';
export type { EventTable, IdempotencyRecordTable, ProjectionCheckpointTable } from './event.table.js';
export { ProjectionRegistry } from './projection-registry.js';
export { STORE_PROBE_INTERVAL_MS, StoreHealth, type StoreState } from './store-health.js';
export { toStoredEvent } from './stored-event.mapper.js';
