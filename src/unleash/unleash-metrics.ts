import { ValidationFailedError } from '../shared/index.js';
import { requireJsonObject } from './json-object.js';

/** As many toggles as an evaluation report may carry lines: beyond that a bucket is not an SDK's. */
export const MAX_TOGGLES_PER_BUCKET = 10_000;
/** The largest yes or no count one bucket may carry, as for an evaluation report line. */
export const MAX_TOGGLE_COUNT = 1_000_000_000;

export interface ToggleCounts {
  name: string;
  yes: number;
  no: number;
}

export interface UnleashMetricsBucket {
  toggles: ToggleCounts[];
  /** `bucket.stop` in ms; undefined when absent or not a date (the caller uses now). */
  stop: number | undefined;
}

/**
 * The part of an Unleash SDK's POST /api/client/metrics Flagledger uses: each toggle's yes/no counts
 * and when the bucket ended. Lenient where the SDKs differ (appName, instanceId, variants and any other
 * field are ignored; a missing bucket, toggles or count is none), strict where a value is used: counts are
 * integers from 0 to MAX_TOGGLE_COUNT and a bucket holds at most MAX_TOGGLES_PER_BUCKET toggles (400).
 */
export function parseUnleashMetrics(body: unknown): UnleashMetricsBucket {
  const bucket = requireJsonObject(body, 'body').bucket;
  if (bucket === undefined) return { toggles: [], stop: undefined };
  const { toggles = {}, stop } = requireJsonObject(bucket, 'bucket');
  const entries = Object.entries(requireJsonObject(toggles, 'bucket.toggles'));
  if (entries.length > MAX_TOGGLES_PER_BUCKET)
    throw new ValidationFailedError([
      { field: 'bucket.toggles', message: `must hold at most ${MAX_TOGGLES_PER_BUCKET} toggles` },
    ]);
  return {
    toggles: entries.map(([name, counts]) => {
      const field = `bucket.toggles.${name}`;
      const { yes, no } = requireJsonObject(counts, field);
      return { name, yes: countOf(yes, `${field}.yes`), no: countOf(no, `${field}.no`) };
    }),
    stop: typeof stop === 'string' && !Number.isNaN(Date.parse(stop)) ? Date.parse(stop) : undefined,
  };
}

function countOf(value: unknown, field: string): number {
  if (value === undefined) return 0;
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > MAX_TOGGLE_COUNT)
    throw new ValidationFailedError([{ field, message: `must be an integer from 0 to ${MAX_TOGGLE_COUNT}` }]);
  return value as number;
}
