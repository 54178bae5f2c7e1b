import { InMemoryFlags } from '../../src/sdk/index.js';
import { FakeProcessor, order, RecordingCounter } from './fakes.js';
import { FALLBACK_METRIC, NEW_PAYMENT_PROCESSOR, processPayment, type PaymentDeps } from './payment-processing.js';

describe('processPayment (brief, pattern 2: new processor with fallback)', () => {
  let flags: InMemoryFlags;
  let deps: PaymentDeps & { newProcessor: FakeProcessor; legacyProcessor: FakeProcessor; metrics: RecordingCounter };

  beforeEach(() => {
    flags = new InMemoryFlags();
    deps = {
      flags,
      newProcessor: new FakeProcessor('new'),
      legacyProcessor: new FakeProcessor('legacy'),
      metrics: new RecordingCounter(),
    };
  });

  it('takes the path the flag state says, in both states', async () => {
    await flags.forEachFlagState(NEW_PAYMENT_PROCESSOR, async (state) => {
      const result = await processPayment(order, deps);
      expect(result).toEqual({
        processor: state === 'on' ? 'new' : 'legacy',
        chargeId: `${state === 'on' ? 'new' : 'legacy'}-order-1`,
        fellBack: false,
      });
    });
    expect(deps.newProcessor.charged).toEqual(['order-1']);
    expect(deps.legacyProcessor.charged).toEqual(['order-1']);
  });

  it('charges with the new processor when the flag is on', async () => {
    flags.override(NEW_PAYMENT_PROCESSOR, { enabled: true, rolloutPercentage: 100 });
    await expect(processPayment(order, deps)).resolves.toMatchObject({ processor: 'new' });
    expect(deps.legacyProcessor.charged).toEqual([]);
  });

  it('charges with the legacy processor when the flag is off', async () => {
    flags.override(NEW_PAYMENT_PROCESSOR, { enabled: false });
    await expect(processPayment(order, deps)).resolves.toMatchObject({ processor: 'legacy' });
    expect(deps.newProcessor.charged).toEqual([]);
  });

  it('charges with the legacy processor when the flag does not exist', async () => {
    await expect(processPayment(order, deps)).resolves.toMatchObject({ processor: 'legacy' });
  });

  it('falls back to the legacy processor and counts it when the new one fails', async () => {
    flags.override(NEW_PAYMENT_PROCESSOR, { enabled: true, rolloutPercentage: 100 });
    deps.newProcessor.failure = new Error('timeout');
    await expect(processPayment(order, deps)).resolves.toEqual({
      processor: 'legacy',
      chargeId: 'legacy-order-1',
      fellBack: true,
    });
    expect(deps.legacyProcessor.charged).toEqual(['order-1']);
    expect(deps.metrics.count(FALLBACK_METRIC)).toBe(1);
  });

  it('does not count a fallback when the flag sent the order to legacy in the first place', async () => {
    deps.newProcessor.failure = new Error('timeout');
    await processPayment(order, deps);
    expect(deps.metrics.count(FALLBACK_METRIC)).toBe(0);
  });

  it('keeps the legacy processor for customers outside a partial rollout, the same way every time', async () => {
    flags.override(NEW_PAYMENT_PROCESSOR, { enabled: true, rolloutPercentage: 10 });
    const outside = flags.evaluate(NEW_PAYMENT_PROCESSOR, { userId: order.customerId }).enabled ? 'new' : 'legacy';
    for (let i = 0; i < 3; i++)
      await expect(processPayment(order, deps)).resolves.toMatchObject({ processor: outside });
  });
});
