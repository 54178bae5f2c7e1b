/** One line of an SDK's evaluation report (POST /v1/telemetry/evaluations). */
export interface EvaluationCount {
  flagKey: string;
  reason: string;
  count: number;
  lastEvaluatedAt: string;
}

/** Longest report kept while the server is unreachable; beyond it the oldest counts are dropped. */
const MAX_PENDING_LINES = 10_000;

/**
 * Counts local evaluations per flag and reason between reports: two map lookups per evaluation, no
 * clock read (the report's time stands for when they happened, close enough for "last evaluated").
 */
export class EvaluationCounter {
  private counts = new Map<string, Map<string, number>>();
  private unsent: EvaluationCount[] = [];

  count(flagKey: string, reason: string): void {
    let reasons = this.counts.get(flagKey);
    if (reasons === undefined) {
      reasons = new Map();
      this.counts.set(flagKey, reasons);
    }
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }

  /** Everything counted so far plus what a failed report left over; the counter starts again from zero. */
  take(now: Date): EvaluationCount[] {
    const at = now.toISOString();
    const lines = this.unsent;
    for (const [flagKey, reasons] of this.counts)
      for (const [reason, count] of reasons) lines.push({ flagKey, reason, count, lastEvaluatedAt: at });
    this.counts = new Map();
    this.unsent = [];
    return lines;
  }

  /** A report that did not reach the server is sent again with the next one. */
  giveBack(lines: EvaluationCount[]): void {
    this.unsent = [...lines, ...this.unsent].slice(-MAX_PENDING_LINES);
  }
}
