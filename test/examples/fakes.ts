import type { ApiRequest, ApiResponse, ExternalApi } from './external-api-circuit-breaker.js';
import type { Counter, Order, PaymentProcessor } from './payment-processing.js';
import type {
  Algorithm,
  Analytics,
  Histogram,
  Product,
  RecommendationEngine,
  RecommendationsServed,
} from './recommendation-rollout.js';

/** Hand-written test doubles the example specs share: each records what it was asked. */

export const order: Order = { id: 'order-1', customerId: 'customer-42', amountCents: 1999, currency: 'EUR' };

export class FakeProcessor implements PaymentProcessor {
  readonly charged: string[] = [];
  failure: Error | undefined;

  constructor(private readonly name: string) {}

  async charge(charged: Order): Promise<{ chargeId: string }> {
    if (this.failure !== undefined) throw this.failure;
    this.charged.push(charged.id);
    return { chargeId: `${this.name}-${charged.id}` };
  }
}

export class RecordingCounter implements Counter {
  private readonly counts = new Map<string, number>();
  increment(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }
  count(name: string): number {
    return this.counts.get(name) ?? 0;
  }
}

export class FakeApi implements ExternalApi {
  readonly calls: string[] = [];
  constructor(
    private readonly answer: (request: ApiRequest) => ApiResponse = (request) => ({
      status: 200,
      body: { live: request.path },
    }),
  ) {}
  async call(request: ApiRequest): Promise<ApiResponse> {
    this.calls.push(request.path);
    return this.answer(request);
  }
}

export class FakeEngine implements RecommendationEngine {
  readonly asked: string[] = [];
  constructor(private readonly products: Product[]) {}
  async getRecommendations(userId: string): Promise<Product[]> {
    this.asked.push(userId);
    return this.products;
  }
}

export class RecordingHistogram implements Histogram {
  readonly samples: { name: string; value: number; algorithm: Algorithm }[] = [];
  histogram(name: string, value: number, tags: { algorithm: Algorithm }): void {
    this.samples.push({ name, value, algorithm: tags.algorithm });
  }
}

export class RecordingAnalytics implements Analytics {
  readonly events: RecommendationsServed[] = [];
  track(_event: string, properties: RecommendationsServed): void {
    this.events.push(properties);
  }
}
