import { ConfigError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('uses the contract defaults (docs/contract.md §6)', () => {
    const config = loadConfig({ FLAGLEDGER_TOKENS: 'ops:admin:s3cret-value' });
    expect(config).toMatchObject({
      port: 3000,
      database: { kind: 'sqlite', path: './data/flagledger.db', sync: 'full' },
      generatedToken: null,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('selects PostgreSQL for a postgres:// or postgresql:// FLAGLEDGER_DB, and SQLite for anything else', () => {
    const key = 'a-key';
    expect(loadConfig({ FLAGLEDGER_DB: 'postgres://u:p@db:5432/flags', FLAGLEDGER_SIGNING_KEY: key }).database).toEqual(
      { kind: 'postgres', url: 'postgres://u:p@db:5432/flags' },
    );
    expect(loadConfig({ FLAGLEDGER_DB: 'postgresql://db/flags', FLAGLEDGER_SIGNING_KEY: key }).database).toEqual({
      kind: 'postgres',
      url: 'postgresql://db/flags',
    });
    expect(
      loadConfig({ FLAGLEDGER_DB: '/var/lib/flagledger/postgres.db', FLAGLEDGER_SYNC: 'normal' }).database,
    ).toEqual({ kind: 'sqlite', path: '/var/lib/flagledger/postgres.db', sync: 'normal' });
  });

  it('requires FLAGLEDGER_SIGNING_KEY on PostgreSQL, where every instance must sign with the same key', () => {
    expect(() => loadConfig({ FLAGLEDGER_DB: 'postgres://u:p@db/flags' })).toThrow(ConfigError);
    expect(() => loadConfig({ FLAGLEDGER_DB: 'postgres://u:p@db/flags' })).toThrow(
      /^FLAGLEDGER_SIGNING_KEY: is required when FLAGLEDGER_DB is a PostgreSQL URL/,
    );
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
    expect(loadConfig({ FLAGLEDGER_FLAG_LIFETIME_DAYS: 'release:14, experiment:60' }).flagLifetimeDays).toEqual({
      release: 14,
      experiment: 60,
    });
  });

  it('bounds change streams per token, 100 by default', () => {
    expect(loadConfig({}).maxStreamsPerToken).toBe(100);
    expect(loadConfig({ FLAGLEDGER_MAX_STREAMS_PER_TOKEN: '5' }).maxStreamsPerToken).toBe(5);
  });

  it('throttles failed authentications per address: a burst of 20, 10 a minute back, by default', () => {
    expect(loadConfig({}).authFailures).toEqual({ burst: 20, refillPerMinute: 10 });
    expect(
      loadConfig({ FLAGLEDGER_AUTH_FAILURE_BURST: '5', FLAGLEDGER_AUTH_FAILURE_REFILL_PER_MINUTE: '120' }).authFailures,
    ).toEqual({ burst: 5, refillPerMinute: 120 });
  });

  it('allows no cross-origin OFREP caller unless FLAGLEDGER_CORS_ORIGINS names origins', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ FLAGLEDGER_CORS_ORIGINS: ' https://a.example , http://localhost:5173 ' }).corsOrigins).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
    expect(loadConfig({ FLAGLEDGER_CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    for (const bad of ['https://a.example/', 'a.example', 'https://a.example/app', 'ftp://a.example'])
      expect(() => loadConfig({ FLAGLEDGER_CORS_ORIGINS: bad })).toThrow(
        /FLAGLEDGER_CORS_ORIGINS: .* is not an origin/,
      );
  });

  it('leaves /metrics open unless FLAGLEDGER_METRICS_TOKEN is set', () => {
    expect(loadConfig({}).metricsToken).toBeNull();
    expect(loadConfig({ FLAGLEDGER_METRICS_TOKEN: '  ' }).metricsToken).toBeNull();
    expect(loadConfig({ FLAGLEDGER_METRICS_TOKEN: ' scrape-me-please ' }).metricsToken).toBe('scrape-me-please');
  });

  it('keys the decision log user hash with FLAGLEDGER_DECISION_LOG_HASH_KEY when set', () => {
    expect(loadConfig({ FLAGLEDGER_DECISION_LOG: 'stdout' }).decisionLog).toEqual({
      target: { kind: 'stdout' },
      sampleRate: 1,
    });
    expect(
      loadConfig({ FLAGLEDGER_DECISION_LOG: 'stdout', FLAGLEDGER_DECISION_LOG_HASH_KEY: 'sixteen-chars-ok' })
        .decisionLog,
    ).toMatchObject({ hashKey: 'sixteen-chars-ok' });
  });

  it('logs at LOG_LEVEL, info by default, and names the allowed levels when it is wrong', () => {
    expect(loadConfig({}).logLevel).toBe('info');
    expect(loadConfig({ LOG_LEVEL: ' Debug ' }).logLevel).toBe('debug');
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(
      "LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent, got 'verbose'",
    );
  });

  it.each([
    [{ FLAGLEDGER_FLAG_LIFETIME_DAYS: 'release:0' }, 'FLAGLEDGER_FLAG_LIFETIME_DAYS'],
    [{ FLAGLEDGER_FLAG_LIFETIME_DAYS: 'feature:40' }, 'FLAGLEDGER_FLAG_LIFETIME_DAYS'],
    [{ FLAGLEDGER_TELEMETRY: 'maybe' }, 'FLAGLEDGER_TELEMETRY'],
    [{ FLAGLEDGER_MAX_STREAMS_PER_TOKEN: '0' }, 'FLAGLEDGER_MAX_STREAMS_PER_TOKEN'],
    [{ FLAGLEDGER_MAX_STREAMS_PER_TOKEN: '2.5' }, 'FLAGLEDGER_MAX_STREAMS_PER_TOKEN'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ FLAGLEDGER_AUTH_FAILURE_BURST: '0' }, 'FLAGLEDGER_AUTH_FAILURE_BURST'],
    [{ FLAGLEDGER_AUTH_FAILURE_BURST: 'many' }, 'FLAGLEDGER_AUTH_FAILURE_BURST'],
    [{ FLAGLEDGER_AUTH_FAILURE_REFILL_PER_MINUTE: '0' }, 'FLAGLEDGER_AUTH_FAILURE_REFILL_PER_MINUTE'],
    [{ FLAGLEDGER_AUTH_FAILURE_REFILL_PER_MINUTE: '1.5' }, 'FLAGLEDGER_AUTH_FAILURE_REFILL_PER_MINUTE'],
    [{ FLAGLEDGER_METRICS_TOKEN: 'short' }, 'FLAGLEDGER_METRICS_TOKEN'],
    [
      { FLAGLEDGER_DECISION_LOG: 'stdout', FLAGLEDGER_DECISION_LOG_HASH_KEY: 'too-short' },
      'FLAGLEDGER_DECISION_LOG_HASH_KEY',
    ],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ FLAGLEDGER_SYNC: 'sometimes' }, 'FLAGLEDGER_SYNC'],
    [{ FLAGLEDGER_TOKENS: 'ops:root:secret-123' }, 'FLAGLEDGER_TOKENS'],
    [{ FLAGLEDGER_TOKENS: 'ops:admin:short' }, 'FLAGLEDGER_TOKENS'],
    [{ FLAGLEDGER_TOKENS: 'a:admin:secret-123,a:viewer:secret-456' }, 'FLAGLEDGER_TOKENS'],
  ])('fails fast on %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${variable}:`));
  });
});
