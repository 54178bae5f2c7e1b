import { evaluateFlag, type EvaluationContext, type EvaluationResult } from '../evaluation-engine/index.js';
import type { FlagSource, SdkFlag } from './flag-source.js';

/** What a test may set on a flag; everything else takes the contract's defaults (docs/contract.md §1). */
export type FlagOverride = Partial<
  Pick<SdkFlag, 'enabled' | 'rolloutPercentage' | 'targetSegments' | 'killSwitch' | 'archived'>
>;

export type FlagState = 'on' | 'off';

/**
 * A FlagSource for tests (brief, "Testing with Feature Flags"): no server, flags set by hand, evaluated by
 * the same engine as production, so a test exercises the real rules (kill switch, segments, rollout).
 *
 * ```ts
 * const flags = new InMemoryFlags();
 * flags.override('new_payment_processor', { enabled: true, rolloutPercentage: 100 });
 * ```
 */
export class InMemoryFlags implements FlagSource {
  private readonly flags = new Map<string, SdkFlag>();

  constructor(initial: Record<string, FlagOverride> = {}) {
    for (const [key, override] of Object.entries(initial)) this.override(key, override);
  }

  /** Sets the flag (creating it with the contract's defaults: disabled, 100 %, no segments, no kill switch). */
  override(key: string, override: FlagOverride): this {
    const current = this.flags.get(key);
    const base: SdkFlag = current ?? {
      key,
      type: 'release',
      enabled: false,
      rolloutPercentage: 100,
      targetSegments: [],
      killSwitch: false,
      archived: false,
      version: 0,
    };
    this.flags.set(key, { ...base, ...override, key, version: base.version + 1 });
    return this;
  }

  /** Forgets every flag: each then answers FLAG_NOT_FOUND, so isEnabled returns its default. */
  reset(): void {
    this.flags.clear();
  }

  isEnabled(flagKey: string, context: EvaluationContext = {}, defaultValue = false): boolean {
    const result = this.evaluate(flagKey, context);
    return result.reason === 'FLAG_NOT_FOUND' ? defaultValue : result.enabled;
  }

  evaluate(flagKey: string, context: EvaluationContext = {}): EvaluationResult {
    return evaluateFlag(flagKey, this.flags.get(flagKey), context);
  }

  /**
   * Runs `body` once with the flag fully on and once with it off (brief, rule 6: test both flag states),
   * so a test written with it covers both paths by construction. The flag's previous setting is put back.
   */
  async forEachFlagState(key: string, body: (state: FlagState) => unknown): Promise<void> {
    const previous = this.flags.get(key);
    try {
      for (const state of ['on', 'off'] as const) {
        this.override(
          key,
          state === 'on'
            ? { enabled: true, rolloutPercentage: 100, killSwitch: false, archived: false, targetSegments: [] }
            : { enabled: false },
        );
        await body(state);
      }
    } finally {
      if (previous === undefined) this.flags.delete(key);
      else this.flags.set(key, previous);
    }
  }
}
