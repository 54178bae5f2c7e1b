import { sseEvent, type FlagChange, type FlagFrame, type FlagSnapshot, type StreamFormat } from '../delivery/index.js';
import { unleashClientFeatures, unleashFeature, type UnleashFeature } from './unleash-feature.js';

/** Every feature sits in Unleash's one default project: Flagledger has none, and SDKs only echo it. */
const PROJECT = 'default';

/** What unleash-client's repository applies from a stream event's `events` (its applyFeatureResponse). */
export type UnleashStreamEvent =
  | { type: 'hydration'; eventId: number; features: UnleashFeature[]; segments: [] }
  | { type: 'feature-updated'; eventId: number; feature: UnleashFeature }
  | { type: 'feature-removed'; eventId: number; featureName: string; project: string };

/**
 * GET /api/client/streaming's events, as unleash-client's StreamingFetcher reads them: `unleash-connected`
 * with a hydration (the same features as GET /api/client/features), then `unleash-updated` per change. An
 * archived flag is `feature-removed`, so the SDK drops it and answers false, as for an absent feature.
 * Never resumed: the SDK's EventSource replays the last id it saw on reconnect, but a hydration replaces
 * its whole state anyway, and is bounded by the flags, not by how long the client was away.
 */
export const UNLEASH_STREAM_FORMAT: StreamFormat = Object.freeze({
  name: 'unleash',
  resumes: false,
  snapshotEvent: (snapshot: FlagSnapshot) =>
    unleashEvent('unleash-connected', snapshot.headSeq, {
      type: 'hydration',
      eventId: snapshot.headSeq,
      features: unleashClientFeatures(snapshot.flags).features,
      segments: [],
    }),
  changeFrame: (change: FlagChange): FlagFrame => ({
    seq: change.seq,
    text: unleashEvent('unleash-updated', change.seq, changeEvent(change)),
  }),
});

function changeEvent({ seq, flag }: FlagChange): UnleashStreamEvent {
  return flag.archived
    ? { type: 'feature-removed', eventId: seq, featureName: flag.key, project: PROJECT }
    : { type: 'feature-updated', eventId: seq, feature: unleashFeature(flag) };
}

function unleashEvent(event: string, seq: number, data: UnleashStreamEvent): string {
  return sseEvent(event, seq, { events: [data] });
}
