import type { FlagSource } from '../../src/sdk/index.js';

/**
 * Brief, pattern 2 (first half): a release flag in front of a new third-party processor, with an automatic
 * fallback to the legacy one. Depends only on FlagSource: production hands it a FlagledgerClient, tests an
 * InMemoryFlags.
 */

export const NEW_PAYMENT_PROCESSOR = 'new_payment_processor';
export const FALLBACK_METRIC = 'payment.new_processor.fallback';

export interface Order {
  id: string;
  customerId: string;
  amountCents: number;
  currency: string;
}

export interface PaymentProcessor {
  /** `order.id` is the idempotency key, so a charge retried on the other processor is never taken twice. */
  charge(order: Order): Promise<{ chargeId: string }>;
}

/** The smallest metrics surface this code needs; adapt StatsD, Prometheus or OpenTelemetry to it. */
export interface Counter {
  increment(name: string, tags?: Record<string, string>): void;
}

export interface PaymentDeps {
  flags: FlagSource;
  newProcessor: PaymentProcessor;
  legacyProcessor: PaymentProcessor;
  metrics: Counter;
}

export interface PaymentResult {
  processor: 'new' | 'legacy';
  chargeId: string;
  /** True when the new processor was chosen but failed, and the legacy one took the charge. */
  fellBack: boolean;
}

export async function processPayment(order: Order, deps: PaymentDeps): Promise<PaymentResult> {
  // Keyed by customer, so one customer's orders always go the same way (brief, rule 3).
  if (deps.flags.isEnabled(NEW_PAYMENT_PROCESSOR, { userId: order.customerId })) {
    try {
      const { chargeId } = await deps.newProcessor.charge(order);
      return { processor: 'new', chargeId, fellBack: false };
    } catch {
      deps.metrics.increment(FALLBACK_METRIC);
      const { chargeId } = await deps.legacyProcessor.charge(order);
      return { processor: 'legacy', chargeId, fellBack: true };
    }
  }
  const { chargeId } = await deps.legacyProcessor.charge(order);
  return { processor: 'legacy', chargeId, fellBack: false };
}
