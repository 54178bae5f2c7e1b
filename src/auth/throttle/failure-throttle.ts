/** How many failures an address may make at once, and how fast it earns them back. */
export interface FailureThrottleLimits {
  /** Failures allowed in a burst (the bucket's size). */
  burst: number;
  /** Failures earned back per minute, up to `burst`. */
  refillPerMinute: number;
  /**
   * Addresses tracked at once; past it, the one that failed longest ago is forgotten. Without a cap,
   * requests from rotating or spoofed addresses would grow the table without limit.
   */
  maxAddresses: number;
}

interface Bucket {
  /** Failures the address may still make; fractional while refilling. */
  allowance: number;
  /** When `allowance` was last brought up to date, in epoch ms. */
  at: number;
}

/**
 * A token bucket per key (a client address) that only failures draw from. Pure logic: the caller decides
 * what a failure is and answers the refusal; time comes from `now`, so tests move it by hand.
 */
export class FailureThrottle {
  /** Insertion order is recency order (a key is re-inserted on every failure), so the first is the stalest. */
  private readonly buckets = new Map<string, Bucket>();
  private readonly refillPerMs: number;

  constructor(
    private readonly limits: FailureThrottleLimits,
    private readonly now: () => number,
  ) {
    this.refillPerMs = limits.refillPerMinute / 60_000;
  }

  /**
   * Records one failure by `key`. Returns undefined while the key is within its burst, else the whole
   * seconds until it may fail once more (a refused failure draws nothing: the bucket is already empty).
   */
  fail(key: string): number | undefined {
    const now = this.now();
    const bucket = this.current(key, now);
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (bucket.allowance >= 1) {
      bucket.allowance -= 1;
      return undefined;
    }
    return Math.ceil((1 - bucket.allowance) / this.refillPerMs / 1000);
  }

  /** Keys tracked now (for tests of the cap). */
  get size(): number {
    return this.buckets.size;
  }

  private current(key: string, now: number): Bucket {
    const known = this.buckets.get(key);
    if (known === undefined) {
      if (this.buckets.size >= this.limits.maxAddresses) this.buckets.delete(this.buckets.keys().next().value!);
      return { allowance: this.limits.burst, at: now };
    }
    // A clock stepping back earns nothing, and does not make the next step forward earn twice.
    const at = Math.max(known.at, now);
    return { allowance: Math.min(this.limits.burst, known.allowance + (at - known.at) * this.refillPerMs), at };
  }
}
