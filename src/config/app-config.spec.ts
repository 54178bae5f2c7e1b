import { ConfigError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('uses the SPEC defaults', () => {
    const config = loadConfig({ FLAGLEDGER_TOKENS: 'ops:admin:s3cret-value' });
    expect(config).toMatchObject({ port: 3000, dbPath: './data/flagledger.db', sync: 'full', generatedToken: null });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('parses name:role:secret tokens, secrets may contain colons', () => {
    const config = loadConfig({ FLAGLEDGER_TOKENS: 'ci:editor:abc:def:ghi, sdk:evaluator:0123456789' });
    expect(config.tokens).toEqual([
      { name: 'ci', role: 'editor', secret: 'abc:def:ghi' },
      { name: 'sdk', role: 'evaluator', secret: '0123456789' },
    ]);
  });

  it('generates one admin token when FLAGLEDGER_TOKENS is unset', () => {
    const config = loadConfig({});
    expect(config.tokens).toHaveLength(1);
    expect(config.generatedToken).toMatchObject({ name: 'admin', role: 'admin' });
    expect(config.generatedToken!.secret.length).toBeGreaterThanOrEqual(24);
  });

  it('reads the suggested lifetimes of temporary flags, Unleash’s 40 days by default', () => {
    expect(loadConfig({}).flagLifetimeDays).toEqual({ release: 40, experiment: 40 });
    expect(loadConfig({ FLAGLEDGER_FLAG_LIFETIME_DAYS: 'release:14, experiment:60' }).flagLifetimeDays).toEqual({ release: 14, experiment: 60 });
  });

  it('bounds change streams per token, 100 by default', () => {
    expect(loadConfig({}).maxStreamsPerToken).toBe(100);
    expect(loadConfig({ FLAGLEDGER_MAX_STREAMS_PER_TOKEN: '5' }).maxStreamsPerToken).toBe(5);
  });

  it.each([
    [{ FLAGLEDGER_FLAG_LIFETIME_DAYS: 'release:0' }, 'FLAGLEDGER_FLAG_LIFETIME_DAYS'],
    [{ FLAGLEDGER_FLAG_LIFETIME_DAYS: 'feature:40' }, 'FLAGLEDGER_FLAG_LIFETIME_DAYS'],
    [{ FLAGLEDGER_TELEMETRY: 'maybe' }, 'FLAGLEDGER_TELEMETRY'],
    [{ FLAGLEDGER_MAX_STREAMS_PER_TOKEN: '0' }, 'FLAGLEDGER_MAX_STREAMS_PER_TOKEN'],
    [{ FLAGLEDGER_MAX_STREAMS_PER_TOKEN: '2.5' }, 'FLAGLEDGER_MAX_STREAMS_PER_TOKEN'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ FLAGLEDGER_SYNC: 'sometimes' }, 'FLAGLEDGER_SYNC'],
    [{ FLAGLEDGER_TOKENS: 'ops:root:secret-123' }, 'FLAGLEDGER_TOKENS'],
    [{ FLAGLEDGER_TOKENS: 'ops:admin:short' }, 'FLAGLEDGER_TOKENS'],
    [{ FLAGLEDGER_TOKENS: 'a:admin:secret-123,a:viewer:secret-456' }, 'FLAGLEDGER_TOKENS'],
  ])('fails fast on %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${variable}:`));
  });
});
