import { InMemoryFlags } from '../../src/sdk/index.js';
import {
  callExternalApi,
  CIRCUIT_BREAKER_FLAG,
  isCircuitOpen,
  LastResponseCache,
  type CircuitBreakerDeps,
} from './external-api-circuit-breaker.js';
import { FakeApi } from './fakes.js';

const request = { path: '/rates/EUR' };
const fallback = { status: 200, body: { rates: 'default' } };

describe('callExternalApi (brief, pattern 2: operational circuit breaker)', () => {
  let flags: InMemoryFlags;
  let deps: CircuitBreakerDeps & { api: FakeApi };

  beforeEach(() => {
    flags = new InMemoryFlags({ [CIRCUIT_BREAKER_FLAG]: { enabled: true } });
    deps = { flags, api: new FakeApi(), cache: new LastResponseCache(), defaultResponse: () => fallback };
  });

  it('calls the API while the kill switch is released (circuit closed) and caches the answer', async () => {
    await expect(callExternalApi(request, deps)).resolves.toEqual({
      response: { status: 200, body: { live: '/rates/EUR' } },
      source: 'api',
    });
    expect(deps.api.calls).toEqual(['/rates/EUR']);
    expect(deps.cache.get(request)).toEqual({ status: 200, body: { live: '/rates/EUR' } });
  });

  it('answers from the cache without calling the API while the kill switch is engaged (circuit open)', async () => {
    await callExternalApi(request, deps);
    flags.override(CIRCUIT_BREAKER_FLAG, { killSwitch: true });
    await expect(callExternalApi(request, deps)).resolves.toEqual({
      response: { status: 200, body: { live: '/rates/EUR' } },
      source: 'cache',
    });
    expect(deps.api.calls).toHaveLength(1);
  });

  it('answers the default response when the circuit is open and nothing is cached', async () => {
    flags.override(CIRCUIT_BREAKER_FLAG, { killSwitch: true });
    await expect(callExternalApi(request, deps)).resolves.toEqual({ response: fallback, source: 'default' });
    expect(deps.api.calls).toEqual([]);
  });

  it('closes the circuit again when the kill switch is released', async () => {
    flags.override(CIRCUIT_BREAKER_FLAG, { killSwitch: true });
    await callExternalApi(request, deps);
    flags.override(CIRCUIT_BREAKER_FLAG, { killSwitch: false });
    await expect(callExternalApi(request, deps)).resolves.toMatchObject({ source: 'api' });
  });

  it('opens on the kill switch alone, whatever the flag enabled state', async () => {
    await flags.forEachFlagState(CIRCUIT_BREAKER_FLAG, () => {
      flags.override(CIRCUIT_BREAKER_FLAG, { killSwitch: true });
      expect(isCircuitOpen(flags)).toBe(true);
    });
  });

  it('stays closed in both flag states while the kill switch is released', async () => {
    await flags.forEachFlagState(CIRCUIT_BREAKER_FLAG, async () => {
      await expect(callExternalApi(request, deps)).resolves.toMatchObject({ source: 'api' });
    });
  });

  it('stays closed when the flag does not exist or is archived', () => {
    expect(isCircuitOpen(new InMemoryFlags())).toBe(false);
    expect(isCircuitOpen(new InMemoryFlags({ [CIRCUIT_BREAKER_FLAG]: { killSwitch: true, archived: true } }))).toBe(
      false,
    );
  });
});
