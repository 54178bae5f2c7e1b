import { createHmac } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import type { EvaluationContext, EvaluationResult } from '../evaluation-engine/index.js';

/** Where FLAGLEDGER_DECISION_LOG sends decisions: `stdout` or `file:<path>`; sampled by FLAGLEDGER_DECISION_LOG_SAMPLE. */
export interface DecisionLogConfig {
  target: { kind: 'stdout' } | { kind: 'file'; path: string };
  /** Fraction of evaluations logged, 0 < rate ≤ 1. */
  sampleRate: number;
  /** FLAGLEDGER_DECISION_LOG_HASH_KEY, the key of the user hash; absent → derived from the signing key. */
  hashKey?: string;
}

export const DECISION_LOG = Symbol('DECISION_LOG');

/**
 * One structured line per (sampled) evaluation: which flag version decided what, why, in which bucket
 * (brief, rule 5). The user is identified only by a keyed hash of the id, never the id itself, so the log
 * can be shipped to ordinary log storage.
 */
export class DecisionLog {
  private readonly out: Writable;

  constructor(
    private readonly config: DecisionLogConfig,
    /** The HMAC key of `userHash` (see user-hash-key.ts). */
    private readonly userHashKey: Uint8Array,
    private readonly random: () => number = Math.random,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (config.target.kind === 'file') {
      mkdirSync(dirname(config.target.path), { recursive: true });
      this.out = createWriteStream(config.target.path, { flags: 'a' });
    } else {
      this.out = process.stdout;
    }
  }

  /** `environment`: the one the evaluation answered in (docs/contract.md §7), so a decision names where it held. */
  record(result: EvaluationResult, context: EvaluationContext, environment?: string): void {
    if (this.config.sampleRate < 1 && this.random() >= this.config.sampleRate) return;
    const userId = context.userId;
    const line = {
      time: this.now().toISOString(),
      msg: 'decision',
      flag: result.flagKey,
      ...(environment !== undefined ? { environment } : {}),
      flagVersion: result.flagVersion,
      enabled: result.enabled,
      reason: result.reason,
      ...(result.bucket !== undefined ? { bucket: result.bucket } : {}),
      userHash: userId === undefined || userId === null || userId === '' ? null : hashUserId(userId, this.userHashKey),
      ...(context.segment ? { segment: context.segment } : {}),
    };
    // A full buffer drops nothing: the stream queues it; logging must never block an evaluation.
    this.out.write(`${JSON.stringify(line)}\n`);
  }

  close(): Promise<void> {
    if (this.out === process.stdout) return Promise.resolve();
    return new Promise((resolve) => this.out.end(resolve));
  }
}

/**
 * First 16 hex characters of HMAC-SHA256 under `key`: stable while the key is (decisions about one user
 * correlate across restarts and instances), yet a reader of the log who guesses an id (an email, a
 * sequential number) cannot confirm the guess by hashing it, as a plain sha256 would let them.
 */
export function hashUserId(userId: string, key: Uint8Array): string {
  return createHmac('sha256', key).update(userId, 'utf8').digest('hex').slice(0, 16);
}
