import type { Response, Test } from 'supertest';
import { problemJsonViolation } from '../support/problem.js';
import { eventCount } from '../support/raw-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Malformed input the bad-input fuzzer (test/chaos/fuzz.chaos-spec.ts) found crashing the server or
 * slipping through validation. Each must be refused with a problem+json 4xx and write nothing.
 */
describe('malformed input the fuzzer found: refused with problem+json, nothing written', () => {
  let t: TestApp;
  const FLAG = 'regression-flag';

  beforeAll(async () => {
    t = await startTestApp();
    const created = await t
      .http()
      .post('/v1/flags')
      .set('Authorization', t.auth('editor'))
      .send({ key: FLAG, type: 'operational', owner: 'sre' });
    expect(created.status).toBe(201);
  });
  afterAll(() => t.close());

  const post = (path: string, body: string, contentType = 'application/json') =>
    t.http().post(path).set('Authorization', t.auth('editor')).set('Content-Type', contentType).send(body);

  async function refused(send: () => Test, status: number, field?: string): Promise<Response> {
    const before = eventCount(t.dbPath);
    const res = await send();
    if (res.status !== status) throw new Error(`expected ${status}, got ${res.status} ${res.text.slice(0, 300)}`);
    expect(problemJsonViolation(res)).toBeUndefined();
    if (field !== undefined)
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(eventCount(t.dbPath)).toBe(before);
    return res;
  }

  describe('a deeply nested body on a command with an Idempotency-Key', () => {
    // The key's fingerprint hashed the body before validation, recursively: a stack overflow, a 500.
    const deep = (levels: number) => `{"reason":${'['.repeat(levels)}${']'.repeat(levels)}}`;

    it.each([
      ['POST enable', `/v1/flags/${FLAG}/enable`],
      ['POST create', '/v1/flags'],
    ])('is a 400 on %s, not a 500', async (_what, path) => {
      const res = await refused(() => post(path, deep(5_000)).set('Idempotency-Key', 'deep-body'), 400);
      expect(res.body.errors[0].message).toMatch(/nests deeper than 8 levels/);
    });

    it('does not use up the Idempotency-Key: a valid retry with it applies', async () => {
      const res = await post(`/v1/flags/${FLAG}/enable`, '{"reason":"retry"}').set('Idempotency-Key', 'deep-body');
      expect({ status: res.status, event: res.body.event?.type }).toEqual({ status: 200, event: 'FlagEnabled' });
      expect(res.headers['idempotent-replayed']).toBeUndefined();
    });
  });

  describe('an application/*+json body', () => {
    // It passed the 415 check but the parser only read application/json, so the body was dropped unread.
    it.each(['application/merge-patch+json', 'application/vnd.flagledger+json'])(
      'is validated when sent as %s: an unknown field is a 400',
      async (type) => {
        await refused(() => post(`/v1/flags/${FLAG}/disable`, '{"reason":"x","actor":"mallory"}', type), 400, 'actor');
      },
    );

    it('is read when valid: its fields take effect', async () => {
      const res = await t
        .http()
        .put(`/v1/flags/${FLAG}/rollout`)
        .set('Authorization', t.auth('editor'))
        .set('Content-Type', 'application/merge-patch+json')
        .send('{"percentage":30,"reason":"merge-patch"}');
      expect(res.status).toBe(200);
      expect(res.body.flag.rolloutPercentage).toBe(30);
      expect(res.body.event).toMatchObject({ type: 'FlagRolloutChanged', reason: 'merge-patch' });
    });
  });

  describe.each(['toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'])(
    'a field named %s (an Object.prototype member)',
    (name) => {
      // class-transformer skips keys the instance inherits a method for, so the whitelist never saw them.
      it('is refused in a command body with 400 naming it', async () => {
        await refused(() => post(`/v1/flags/${FLAG}/disable`, JSON.stringify({ reason: 'x', [name]: 1 })), 400, name);
      });

      it('is refused inside a nested object with 400 naming it', async () => {
        const body = JSON.stringify({ flagKey: FLAG, context: { userId: 'u', [name]: 'x' } });
        await refused(
          () =>
            t
              .http()
              .post('/v1/evaluate')
              .set('Authorization', t.auth('evaluator'))
              .set('Content-Type', 'application/json')
              .send(body),
          400,
          `context.${name}`,
        );
      });

      it('is refused as a query parameter with 400 naming it', async () => {
        await refused(() => t.http().get(`/v1/audit?${name}=1`).set('Authorization', t.auth('viewer')), 400, name);
      });
    },
  );

  describe('SDK telemetry whose evaluations contain arrays', () => {
    // ValidateNested walks into an array item as into a list and found nothing wrong with [].
    it.each([
      ['an empty array', '{"evaluations":[[]]}'],
      [
        'an array beside a valid report',
        '{"evaluations":[{"flagKey":"a","reason":"DISABLED","count":1,"lastEvaluatedAt":"2026-11-25T11:00:00Z"},[]]}',
      ],
    ])('is a 400 naming evaluations for %s', async (_what, body) => {
      await refused(
        () =>
          t
            .http()
            .post('/v1/telemetry/evaluations')
            .set('Authorization', t.auth('evaluator'))
            .set('Content-Type', 'application/json')
            .send(body),
        400,
        'evaluations',
      );
    });
  });
});
