import type { RawResponse } from './raw-http.js';
import type { FuzzRequest } from './requests.js';

/**
 * Wrong answers the fuzzer has found and reported, which it logs instead of failing on until the server is
 * fixed: then delete the entry, and the fuzzer fails on them again. FUZZ_STRICT=1 fails on them now.
 * Each matches only its own case, so anything else wrong about the same request still fails.
 */
export interface KnownDeviation {
  summary: string;
  matches: (req: FuzzRequest, res: RawResponse) => boolean;
}

export const KNOWN_DEVIATIONS: readonly KnownDeviation[] = [];
