import { EventEmitter } from 'node:events';
import {
  ErrorCode,
  OpenFeature,
  ProviderEvents,
  ProviderStatus,
  type EvaluationContext as OpenFeatureContext,
} from '@openfeature/server-sdk';
import { rolloutBucket, type EvaluationContext, type EvaluationResult } from '../../evaluation-engine/index.js';
import type { SdkFlag } from '../flag-source.js';
import type { FlagledgerClientEvents } from '../flagledger-client.js';
import { InMemoryFlags, type FlagOverride } from '../in-memory-flags.js';
import { FlagledgerProvider } from './flagledger-provider.js';

const KEY = 'new_payment_processor';

/** A user whose bucket is neither 1 nor 100, so a rollout can be set just above or just below it. */
const user = ((): { userId: string; bucket: number } => {
  for (let i = 0; ; i++) {
    const bucket = rolloutBucket(KEY, `user-${i}`);
    if (bucket > 1 && bucket < 100) return { userId: `user-${i}`, bucket };
  }
})();

/** Stands in for a FlagledgerClient: the same events, `connected` and `allFlags`, flags from an InMemoryFlags. */
class FakeClient extends EventEmitter<FlagledgerClientEvents> {
  connected = true;
  evaluations = 0;
  constructor(readonly flags = new InMemoryFlags()) {
    super();
  }
  isEnabled(flagKey: string, context?: EvaluationContext, defaultValue?: boolean): boolean {
    return this.flags.isEnabled(flagKey, context, defaultValue);
  }
  evaluate(flagKey: string, context?: EvaluationContext): EvaluationResult {
    this.evaluations++;
    return this.flags.evaluate(flagKey, context);
  }
  allFlags(): SdkFlag[] {
    return [
      {
        key: KEY,
        type: 'release',
        enabled: true,
        rolloutPercentage: 100,
        targetSegments: [],
        killSwitch: false,
        archived: false,
        version: 1,
      },
    ];
  }
}

function providerWith(override: FlagOverride | undefined): FlagledgerProvider {
  const flags = new InMemoryFlags();
  if (override !== undefined) flags.override(KEY, override);
  return new FlagledgerProvider(flags);
}

const nextEvent = <T>(register: (resolve: (value: T) => void) => void): Promise<T> => new Promise<T>(register);

describe('FlagledgerProvider: boolean resolution', () => {
  const on = { enabled: true };
  const cases: [string, FlagOverride | undefined, OpenFeatureContext, Record<string, unknown>][] = [
    [
      'ROLLOUT_IN → SPLIT, with the bucket',
      { ...on, rolloutPercentage: user.bucket },
      { targetingKey: user.userId },
      {
        value: true,
        variant: 'on',
        reason: 'SPLIT',
        flagMetadata: { flagledgerReason: 'ROLLOUT_IN', bucket: user.bucket, flagVersion: 1 },
      },
    ],
    [
      'ROLLOUT_OUT → SPLIT, with the bucket',
      { ...on, rolloutPercentage: user.bucket - 1 },
      { targetingKey: user.userId },
      {
        value: false,
        variant: 'off',
        reason: 'SPLIT',
        flagMetadata: { flagledgerReason: 'ROLLOUT_OUT', bucket: user.bucket, flagVersion: 1 },
      },
    ],
    [
      'ROLLOUT_FULL → TARGETING_MATCH',
      on,
      { targetingKey: user.userId },
      {
        value: true,
        variant: 'on',
        reason: 'TARGETING_MATCH',
        flagMetadata: { flagledgerReason: 'ROLLOUT_FULL', flagVersion: 1 },
      },
    ],
    [
      'SEGMENT_MISMATCH → TARGETING_MATCH',
      { ...on, targetSegments: ['enterprise'] },
      { targetingKey: user.userId, segment: 'free' },
      {
        value: false,
        variant: 'off',
        reason: 'TARGETING_MATCH',
        flagMetadata: { flagledgerReason: 'SEGMENT_MISMATCH', flagVersion: 1 },
      },
    ],
    [
      'DISABLED → DISABLED',
      { enabled: false },
      { targetingKey: user.userId },
      {
        value: false,
        variant: 'off',
        reason: 'DISABLED',
        flagMetadata: { flagledgerReason: 'DISABLED', flagVersion: 1 },
      },
    ],
    [
      'KILL_SWITCH → DISABLED',
      { ...on, killSwitch: true },
      { targetingKey: user.userId },
      {
        value: false,
        variant: 'off',
        reason: 'DISABLED',
        flagMetadata: { flagledgerReason: 'KILL_SWITCH', flagVersion: 1 },
      },
    ],
    [
      'ARCHIVED → DISABLED',
      { ...on, archived: true },
      { targetingKey: user.userId },
      {
        value: false,
        variant: 'off',
        reason: 'DISABLED',
        flagMetadata: { flagledgerReason: 'ARCHIVED', flagVersion: 1 },
      },
    ],
    [
      'MISSING_USER_ID → DEFAULT with the engine answer false, not the caller default',
      { ...on, rolloutPercentage: 50 },
      {},
      {
        value: false,
        variant: 'off',
        reason: 'DEFAULT',
        flagMetadata: { flagledgerReason: 'MISSING_USER_ID', flagVersion: 1 },
      },
    ],
    [
      'FLAG_NOT_FOUND → ERROR with the caller default',
      undefined,
      { targetingKey: user.userId },
      {
        value: true,
        reason: 'ERROR',
        errorCode: ErrorCode.FLAG_NOT_FOUND,
        flagMetadata: { flagledgerReason: 'FLAG_NOT_FOUND' },
      },
    ],
  ];

  it.each(cases)('maps %s', async (_name, override, context, expected) => {
    await expect(providerWith(override).resolveBooleanEvaluation(KEY, true, context)).resolves.toEqual(
      expect.objectContaining(expected),
    );
  });

  it('passes a targeted segment attribute through as the Flagledger segment', async () => {
    const provider = providerWith({ enabled: true, targetSegments: ['enterprise'] });
    await expect(
      provider.resolveBooleanEvaluation(KEY, false, { targetingKey: 'u', segment: 'enterprise' }),
    ).resolves.toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
  });

  it('treats a non-string segment attribute as no segment', async () => {
    const provider = providerWith({ enabled: true, targetSegments: ['1'] });
    await expect(
      provider.resolveBooleanEvaluation(KEY, true, { targetingKey: 'u', segment: 1 }),
    ).resolves.toMatchObject({ value: false, flagMetadata: { flagledgerReason: 'SEGMENT_MISMATCH' } });
  });
});

describe('FlagledgerProvider: non-boolean resolution', () => {
  const provider = providerWith({ enabled: true });

  it('answers TYPE_MISMATCH with the default for string, number and object resolutions of a known flag', async () => {
    for (const details of [
      await provider.resolveStringEvaluation(KEY, 'x'),
      await provider.resolveNumberEvaluation(KEY, 7),
      await provider.resolveObjectEvaluation(KEY, { a: 1 }),
    ]) {
      expect(details).toMatchObject({ reason: 'ERROR', errorCode: ErrorCode.TYPE_MISMATCH });
    }
    await expect(provider.resolveNumberEvaluation(KEY, 7)).resolves.toMatchObject({ value: 7 });
  });

  it('answers FLAG_NOT_FOUND rather than TYPE_MISMATCH for an unknown key', async () => {
    await expect(provider.resolveStringEvaluation('nope', 'x')).resolves.toMatchObject({
      value: 'x',
      errorCode: ErrorCode.FLAG_NOT_FOUND,
    });
  });

  it('tells known from unknown through allFlags when the source has it, without an evaluation to count', async () => {
    const source = new FakeClient();
    const withAllFlags = new FlagledgerProvider(source);
    await expect(withAllFlags.resolveStringEvaluation(KEY, 'x')).resolves.toMatchObject({
      errorCode: ErrorCode.TYPE_MISMATCH,
    });
    await expect(withAllFlags.resolveStringEvaluation('nope', 'x')).resolves.toMatchObject({
      errorCode: ErrorCode.FLAG_NOT_FOUND,
    });
    expect(source.evaluations).toBe(0);
  });
});

describe('FlagledgerProvider through the OpenFeature API', () => {
  afterEach(() => OpenFeature.close());

  it('answers getBooleanDetails from InMemoryFlags, default and error code included for an unknown flag', async () => {
    await OpenFeature.setProviderAndWait(
      'in-memory',
      new FlagledgerProvider(new InMemoryFlags({ [KEY]: { enabled: true } })),
    );
    const client = OpenFeature.getClient('in-memory');
    await expect(client.getBooleanDetails(KEY, false, { targetingKey: 'u' })).resolves.toMatchObject({
      value: true,
      variant: 'on',
      reason: 'TARGETING_MATCH',
    });
    await expect(client.getBooleanDetails('nope', true)).resolves.toMatchObject({
      value: true,
      reason: 'ERROR',
      errorCode: ErrorCode.FLAG_NOT_FOUND,
      flagMetadata: { flagledgerReason: 'FLAG_NOT_FOUND' },
    });
    await expect(client.getStringValue(KEY, 'fallback')).resolves.toBe('fallback');
  });

  it('relays a changed flag as PROVIDER_CONFIGURATION_CHANGED naming the flag', async () => {
    const source = new FakeClient();
    await OpenFeature.setProviderAndWait('events', new FlagledgerProvider(source));
    const client = OpenFeature.getClient('events');
    const changed = nextEvent<unknown>((resolve) => client.addHandler(ProviderEvents.ConfigurationChanged, resolve));
    source.flags.override(KEY, { enabled: true });
    source.emit('changed', { key: KEY, flag: null, seq: 7 });
    await expect(changed).resolves.toMatchObject({ flagsChanged: [KEY], metadata: { seq: 7 } });
    await expect(client.getBooleanValue(KEY, false, { targetingKey: 'u' })).resolves.toBe(true);
  });

  it('goes STALE when the source loses its connection and READY again once it reconnects', async () => {
    const source = new FakeClient();
    await OpenFeature.setProviderAndWait('stale', new FlagledgerProvider(source, { reconnectPollMs: 5 }));
    const client = OpenFeature.getClient('stale');
    const stale = nextEvent<unknown>((resolve) => client.addHandler(ProviderEvents.Stale, resolve));
    source.connected = false;
    source.emit('error', new Error('connection refused'));
    await expect(stale).resolves.toMatchObject({ message: expect.stringContaining('connection refused') });
    expect(client.providerStatus).toBe(ProviderStatus.STALE);

    const ready = nextEvent<unknown>((resolve) => client.addHandler(ProviderEvents.Ready, resolve));
    source.connected = true;
    await ready;
    expect(client.providerStatus).toBe(ProviderStatus.READY);
  });

  it('stays READY on an error that leaves the source connected (a failed bootstrap write or telemetry report)', async () => {
    const source = new FakeClient();
    await OpenFeature.setProviderAndWait('connected', new FlagledgerProvider(source));
    source.emit('error', new Error('EACCES: bootstrap file'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(OpenFeature.getClient('connected').providerStatus).toBe(ProviderStatus.READY);
  });

  it('detaches from the source on close without closing it', async () => {
    const source = new FakeClient();
    source.flags.override(KEY, { enabled: true });
    await OpenFeature.setProviderAndWait('close', new FlagledgerProvider(source));
    expect(source.listenerCount('changed')).toBe(1);
    await OpenFeature.close();
    expect(source.listenerCount('changed')).toBe(0);
    expect(source.listenerCount('error')).toBe(0);
    expect(source.isEnabled(KEY, { userId: 'u' })).toBe(true);
  });
});
