import type { Response, Test } from 'supertest';
import { releaseFlag } from '../support/flags.js';
import { expectProblem, problemJsonViolation } from '../support/problem.js';
import { eventCount } from '../support/raw-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * docs/contract.md §1 (field rules) and §4 (errors): every rule broken once must give a 4xx
 * application/problem+json that names the offending field, and must write nothing.
 */
describe('validation: every docs/contract.md §1 rule broken once → problem+json naming the field, nothing written', () => {
  let t: TestApp;

  // Fixtures created once; the clock starts at 2026-11-25T12:00:00.000Z.
  const RELEASE = 'base-release';
  const OPERATIONAL = 'base-operational';
  const ARCHIVED = 'base-archived';
  const FUTURE = '2027-03-01T00:00:00.000Z';

  beforeAll(async () => {
    t = await startTestApp();
    const fixtures = [
      releaseFlag(RELEASE),
      { key: OPERATIONAL, type: 'operational', owner: 'sre' },
      { key: ARCHIVED, type: 'operational', owner: 'sre' },
    ];
    for (const body of fixtures) {
      const res = await t.http().post('/v1/flags').set('Authorization', t.auth('editor')).send(body);
      expect(res.status).toBe(201);
    }
    const archived = await t
      .http()
      .post(`/v1/flags/${ARCHIVED}/archive`)
      .set('Authorization', t.auth('editor'))
      .send({});
    expect(archived.status).toBe(200);
  });
  afterAll(() => t.close());

  const editor = () => t.auth('editor');
  const create = (body: unknown) =>
    t
      .http()
      .post('/v1/flags')
      .set('Authorization', editor())
      .send(body as object);
  const patch = (key: string, body: unknown) =>
    t
      .http()
      .patch(`/v1/flags/${key}`)
      .set('Authorization', editor())
      .send(body as object);
  const putRollout = (body: unknown) =>
    t
      .http()
      .put(`/v1/flags/${RELEASE}/rollout`)
      .set('Authorization', editor())
      .send(body as object);
  const putSegments = (body: unknown) =>
    t
      .http()
      .put(`/v1/flags/${RELEASE}/segments`)
      .set('Authorization', editor())
      .send(body as object);
  /** Sends a body verbatim (for JSON that a JS object literal cannot express, e.g. an own "__proto__" key). */
  const raw = (method: 'post' | 'put' | 'patch', path: string, body: string, contentType = 'application/json') =>
    t.http()[method](path).set('Authorization', editor()).set('Content-Type', contentType).send(body);

  /** Sends the request and checks the problem, plus that the event log did not grow. */
  async function rejects(send: () => Test, status: number, field?: string): Promise<Response> {
    const before = eventCount(t.dbPath);
    const res = await send();
    expectProblem(res, status, { field });
    expect(eventCount(t.dbPath)).toBe(before);
    return res;
  }

  async function accepts(send: () => Test, status: number): Promise<Response> {
    const before = eventCount(t.dbPath);
    const res = await send();
    if (res.status !== status) throw new Error(`expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
    expect(eventCount(t.dbPath)).toBe(before + 1);
    return res;
  }

  describe('key', () => {
    it.each([
      ['upper-case letters', 'New_Payment'],
      ['a leading "-"', '-payments'],
      ['a leading "."', '.payments'],
      ['a leading "_"', '_payments'],
      ['a space', 'new payments'],
      ['a slash', 'new/payments'],
      ['129 characters', 'a'.repeat(129)],
      ['the empty string', ''],
    ])('rejects a key with %s with 400 naming key', async (_what, key) => {
      await rejects(() => create(releaseFlag(key)), 400, 'key');
    });

    it.each([
      ['a number', 123],
      ['null', null],
      ['an array', ['abc']],
      ['an object', { value: 'abc' }],
      ['a boolean', true],
    ])('rejects a non-string key (%s) with 400 naming key', async (_what, key) => {
      await rejects(() => create(releaseFlag('x', { key })), 400, 'key');
    });

    it('rejects a missing key with 400 naming key', async () => {
      const { key: _omit, ...body } = releaseFlag('missing-key');
      await rejects(() => create(body), 400, 'key');
    });

    it('accepts a key of exactly 128 characters (the upper bound)', async () => {
      await accepts(() => create(releaseFlag('k'.repeat(128))), 201);
    });

    it('rejects a duplicate key with 409 problem+json naming key', async () => {
      await rejects(() => create(releaseFlag(RELEASE)), 409, 'key');
    });

    it('rejects a duplicate of an archived key with 409 (keys stay taken)', async () => {
      await rejects(() => create({ key: ARCHIVED, type: 'operational', owner: 'sre' }), 409, 'key');
    });
  });

  describe('type', () => {
    it.each([
      ['not in the enum', 'kill-switch'],
      ['in the wrong case', 'Release'],
      ['a number', 1],
      ['null', null],
    ])('rejects a type that is %s with 400 naming type', async (_what, type) => {
      await rejects(() => create(releaseFlag('bad-type', { type })), 400, 'type');
    });

    it('rejects a missing type with 400 naming type', async () => {
      const { type: _omit, ...body } = releaseFlag('no-type');
      await rejects(() => create(body), 400, 'type');
    });
  });

  describe('owner', () => {
    it('rejects a missing owner with 400 naming owner', async () => {
      const { owner: _omit, ...body } = releaseFlag('no-owner');
      await rejects(() => create(body), 400, 'owner');
    });

    it.each([
      ['empty', ''],
      ['blank', '   '],
      ['blank with tabs and newlines', '\t\n '],
      ['null', null],
      ['a number', 42],
    ])('rejects an owner that is %s with 400 naming owner', async (_what, owner) => {
      await rejects(() => create(releaseFlag('bad-owner', { owner })), 400, 'owner');
    });
  });

  describe('expiresAt', () => {
    it.each(['release', 'experiment'])('is required for a %s flag: missing → 400 naming expiresAt', async (type) => {
      await rejects(() => create({ key: `no-expiry-${type}`, type, owner: 'growth' }), 400, 'expiresAt');
    });

    it.each(['release', 'experiment'])('is required for a %s flag: null → 400 naming expiresAt', async (type) => {
      await rejects(
        () => create({ key: `null-expiry-${type}`, type, owner: 'growth', expiresAt: null }),
        400,
        'expiresAt',
      );
    });

    it.each(['operational', 'permission'])('is optional for a %s flag: created without it → 201', async (type) => {
      const res = await accepts(() => create({ key: `no-expiry-${type}`, type, owner: 'platform' }), 201);
      expect(res.body.flag).toMatchObject({ key: `no-expiry-${type}`, type, expiresAt: null });
    });

    it.each([
      ['one second in the past', '2026-11-25T11:59:59.000Z'],
      ['exactly now (not in the future)', '2026-11-25T12:00:00.000Z'],
      ['years in the past', '2020-01-01T00:00:00.000Z'],
    ])('rejects an expiresAt %s with 400 naming expiresAt', async (_what, expiresAt) => {
      await rejects(() => create(releaseFlag('past-expiry', { expiresAt })), 400, 'expiresAt');
    });

    it('rejects a past expiresAt on an operational flag too (must lie in the future whenever set)', async () => {
      await rejects(
        () => create({ key: 'past-op', type: 'operational', owner: 'sre', expiresAt: '2026-01-01T00:00:00.000Z' }),
        400,
        'expiresAt',
      );
    });

    it('measures "the future" with the server clock, not the wall clock', async () => {
      // One minute after the test clock's "now" is in the future for the server even though it is a fixed date.
      await accepts(() => create(releaseFlag('just-future', { expiresAt: '2026-11-25T12:01:00.000Z' })), 201);
    });

    it.each([
      ['free text', 'next tuesday'],
      ['a number', 1798761600000],
      ['an impossible calendar date', '2027-02-30T00:00:00.000Z'],
      ['an impossible hour', '2027-03-01T25:00:00.000Z'],
      ['the empty string', ''],
      ['a boolean', true],
    ])('rejects an expiresAt that is %s with 400 naming expiresAt', async (_what, expiresAt) => {
      await rejects(() => create(releaseFlag('bad-expiry', { expiresAt })), 400, 'expiresAt');
    });

    // docs/contract.md §1 says "ISO-8601" and §4 says no input ever produces a 5xx. These are ISO-8601 forms that
    // JavaScript's Date cannot parse: the server may accept them (normalised) or refuse them with a 400
    // naming expiresAt, but must never answer 5xx or write anything on refusal.
    it.each([
      ['a week date', '2027-W10-1'],
      ['a week without day', '2027-W10'],
      ['an ordinal date', '2027-060'],
      ['the basic (no separators) format', '20270301T000000Z'],
    ])(
      'answers an expiresAt in ISO-8601 %s form with 201 or 400 naming expiresAt, never a 5xx',
      async (what, expiresAt) => {
        for (const send of [
          () => create(releaseFlag(`iso-${what.replace(/[^a-z]+/g, '-')}`, { expiresAt })),
          () => patch(RELEASE, { expiresAt }),
        ]) {
          const before = eventCount(t.dbPath);
          const res = await send();
          if (![200, 201, 400].includes(res.status)) {
            throw new Error(
              `expiresAt '${expiresAt}': expected 201/200 or 400, got ${res.status} ${JSON.stringify(res.body)}`,
            );
          }
          if (res.status === 400) {
            expectProblem(res, 400, { field: 'expiresAt' });
            expect(eventCount(t.dbPath)).toBe(before);
          } else {
            expect(Number.isNaN(Date.parse(res.body.flag.expiresAt))).toBe(false);
          }
        }
        await patch(RELEASE, { expiresAt: FUTURE });
      },
    );
  });

  describe('rolloutPercentage / PUT rollout {percentage}', () => {
    const badPercentages: Array<[string, unknown]> = [
      ['101', 101],
      ['-1', -1],
      ['10.5', 10.5],
      ['the string "50"', '50'],
      ['a boolean', true],
    ];

    it.each(badPercentages)(
      'rejects rolloutPercentage %s on create with 400 naming rolloutPercentage',
      async (_what, rolloutPercentage) => {
        await rejects(() => create(releaseFlag('bad-rollout', { rolloutPercentage })), 400, 'rolloutPercentage');
      },
    );

    it.each(badPercentages)(
      'rejects percentage %s on PUT /rollout with 400 naming percentage',
      async (_what, percentage) => {
        await rejects(() => putRollout({ percentage }), 400, 'percentage');
      },
    );

    it('rejects PUT /rollout without percentage (or with null) with 400 naming percentage', async () => {
      await rejects(() => putRollout({}), 400, 'percentage');
      await rejects(() => putRollout({ percentage: null }), 400, 'percentage');
    });

    it('accepts the bounds 0 and 100 on PUT /rollout', async () => {
      await accepts(() => putRollout({ percentage: 0 }), 200);
      await accepts(() => putRollout({ percentage: 100 }), 200);
    });
  });

  describe('targetSegments / PUT segments {segments}', () => {
    const hundredAndOne = Array.from({ length: 101 }, (_, i) => `segment-${i}`);
    const badSegments: Array<[string, unknown]> = [
      ['duplicates', ['beta', 'beta']],
      ['an empty string', ['beta', '']],
      ['101 items', hundredAndOne],
      ['a string instead of an array', 'beta'],
      ['an object instead of an array', { beta: true }],
      ['a non-string item', ['beta', 7]],
    ];

    it.each(badSegments)(
      'rejects targetSegments with %s on create with 400 naming targetSegments',
      async (_what, targetSegments) => {
        await rejects(() => create(releaseFlag('bad-segments', { targetSegments })), 400, 'targetSegments');
      },
    );

    it.each(badSegments)(
      'rejects segments with %s on PUT /segments with 400 naming segments',
      async (_what, segments) => {
        await rejects(() => putSegments({ segments }), 400, 'segments');
      },
    );

    it('rejects PUT /segments without segments with 400 naming segments', async () => {
      await rejects(() => putSegments({}), 400, 'segments');
    });

    it('accepts exactly 100 distinct segments and the empty list', async () => {
      await accepts(() => putSegments({ segments: hundredAndOne.slice(0, 100) }), 200);
      await accepts(() => putSegments({ segments: [] }), 200);
    });
  });

  describe('booleans', () => {
    it.each(['enabled', 'killSwitch'])(
      'rejects a non-boolean %s on create (e.g. "true") with 400 naming it',
      async (field) => {
        await rejects(() => create(releaseFlag('bad-bool', { [field]: 'true' })), 400, field);
        await rejects(() => create(releaseFlag('bad-bool', { [field]: 1 })), 400, field);
      },
    );
  });

  describe('free-text lengths', () => {
    it('rejects a description over 2,000 characters with 400 naming description', async () => {
      await rejects(
        () => create(releaseFlag('long-description', { description: 'd'.repeat(2001) })),
        400,
        'description',
      );
      await rejects(() => patch(RELEASE, { description: 'd'.repeat(2001) }), 400, 'description');
    });

    it('accepts a description of exactly 2,000 characters', async () => {
      await accepts(() => create(releaseFlag('max-description', { description: 'd'.repeat(2000) })), 201);
    });

    it('rejects a ticket over 200 characters with 400 naming ticket', async () => {
      await rejects(() => create(releaseFlag('long-ticket', { ticket: 'T'.repeat(201) })), 400, 'ticket');
      await rejects(() => patch(RELEASE, { ticket: 'T'.repeat(201) }), 400, 'ticket');
    });

    it('rejects a non-string description or ticket with 400 naming the field', async () => {
      await rejects(() => create(releaseFlag('num-description', { description: 5 })), 400, 'description');
      await rejects(() => create(releaseFlag('num-ticket', { ticket: ['PAY-1'] })), 400, 'ticket');
    });

    it('rejects a reason over 500 characters with 400 naming reason, on create and on every command', async () => {
      const reason = 'r'.repeat(501);
      await rejects(() => create(releaseFlag('long-reason', { reason })), 400, 'reason');
      await rejects(
        () => t.http().post(`/v1/flags/${RELEASE}/enable`).set('Authorization', editor()).send({ reason }),
        400,
        'reason',
      );
      await rejects(() => putRollout({ percentage: 42, reason }), 400, 'reason');
      await rejects(() => patch(RELEASE, { owner: 'someone-else', reason }), 400, 'reason');
    });

    it('rejects a non-string reason with 400 naming reason', async () => {
      await rejects(
        () => t.http().post(`/v1/flags/${RELEASE}/disable`).set('Authorization', editor()).send({ reason: 12 }),
        400,
        'reason',
      );
    });
  });

  describe('unknown and server-maintained fields', () => {
    it('rejects an unknown field on create with 400 naming it', async () => {
      await rejects(() => create(releaseFlag('unknown-field', { foo: 1 })), 400, 'foo');
    });

    it('rejects an unknown field on a command with 400 naming it', async () => {
      await rejects(
        () => t.http().post(`/v1/flags/${RELEASE}/enable`).set('Authorization', editor()).send({ foo: 1 }),
        400,
        'foo',
      );
      await rejects(() => putRollout({ percentage: 10, foo: 1 }), 400, 'foo');
      await rejects(() => patch(RELEASE, { foo: 1 }), 400, 'foo');
    });

    it.each(['createdBy', 'createdAt', 'updatedAt', 'version', 'archived', 'lastEvaluatedAt'])(
      'rejects the server-maintained field %s in a create body with 400 naming it',
      async (field) => {
        await rejects(
          () => create(releaseFlag('server-field', { [field]: field === 'version' ? 7 : 'x' })),
          400,
          field,
        );
      },
    );

    it('rejects PATCH of a field that is not owner/expiresAt/description/ticket (e.g. key, type) with 400 naming it', async () => {
      await rejects(() => patch(RELEASE, { key: 'renamed' }), 400, 'key');
      await rejects(() => patch(RELEASE, { type: 'operational' }), 400, 'type');
      await rejects(() => patch(RELEASE, { enabled: true }), 400, 'enabled');
    });

    it('names every bad field at once for an empty create body', async () => {
      const res = await rejects(() => create({}), 400);
      const fields = (res.body.errors as Array<{ field: string }>).map((e) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['key', 'type', 'owner']));
    });
  });

  describe('PATCH details', () => {
    it('rejects owner null with 400 naming owner (a flag always has an owner)', async () => {
      await rejects(() => patch(RELEASE, { owner: null }), 400, 'owner');
    });

    it.each([
      ['empty', ''],
      ['blank', '   '],
    ])('rejects an %s owner with 400 naming owner', async (_what, owner) => {
      await rejects(() => patch(RELEASE, { owner }), 400, 'owner');
    });

    it('rejects expiresAt null on a release flag with 400 naming expiresAt', async () => {
      await rejects(() => patch(RELEASE, { expiresAt: null }), 400, 'expiresAt');
    });

    it('rejects an expiresAt in the past with 400 naming expiresAt', async () => {
      await rejects(() => patch(RELEASE, { expiresAt: '2026-11-24T12:00:00.000Z' }), 400, 'expiresAt');
      await rejects(() => patch(OPERATIONAL, { expiresAt: '2026-11-24T12:00:00.000Z' }), 400, 'expiresAt');
    });

    it('rejects an expiresAt that is not a date with 400 naming expiresAt', async () => {
      await rejects(() => patch(RELEASE, { expiresAt: 'soon' }), 400, 'expiresAt');
    });

    it('lets an operational flag clear its expiry with expiresAt null', async () => {
      await accepts(() => patch(OPERATIONAL, { expiresAt: FUTURE }), 200);
      const res = await accepts(() => patch(OPERATIONAL, { expiresAt: null }), 200);
      expect(res.body.flag.expiresAt).toBeNull();
    });

    it('judges "in the future" against the server clock at the time of the PATCH', async () => {
      // A future expiry set now is accepted; the same instant once the clock has passed it is refused.
      const soon = '2026-11-25T13:00:00.000Z';
      await accepts(() => patch(RELEASE, { expiresAt: soon }), 200);
      t.clock.advance(2 * 60 * 60 * 1000);
      try {
        await rejects(() => patch(RELEASE, { expiresAt: '2026-11-25T13:30:00.000Z' }), 400, 'expiresAt');
      } finally {
        await accepts(() => patch(RELEASE, { expiresAt: FUTURE }), 200);
      }
    });
  });

  describe('flag state rules', () => {
    const commandsOn = (key: string): Array<[string, () => Test]> => [
      ['POST enable', () => t.http().post(`/v1/flags/${key}/enable`).set('Authorization', editor()).send({})],
      ['POST disable', () => t.http().post(`/v1/flags/${key}/disable`).set('Authorization', editor()).send({})],
      [
        'POST kill-switch/engage',
        () => t.http().post(`/v1/flags/${key}/kill-switch/engage`).set('Authorization', editor()).send({}),
      ],
      [
        'POST kill-switch/release',
        () => t.http().post(`/v1/flags/${key}/kill-switch/release`).set('Authorization', editor()).send({}),
      ],
      [
        'PUT rollout',
        () => t.http().put(`/v1/flags/${key}/rollout`).set('Authorization', editor()).send({ percentage: 50 }),
      ],
      [
        'PUT segments',
        () =>
          t
            .http()
            .put(`/v1/flags/${key}/segments`)
            .set('Authorization', editor())
            .send({ segments: ['beta'] }),
      ],
      ['PATCH', () => t.http().patch(`/v1/flags/${key}`).set('Authorization', editor()).send({ description: 'x' })],
    ];

    it.each([
      ...commandsOn('no-such-flag'),
      ['POST archive', () => t.http().post('/v1/flags/no-such-flag/archive').set('Authorization', editor()).send({})],
      ['POST restore', () => t.http().post('/v1/flags/no-such-flag/restore').set('Authorization', editor()).send({})],
      ['GET', () => t.http().get('/v1/flags/no-such-flag').set('Authorization', editor())],
      ['GET history', () => t.http().get('/v1/flags/no-such-flag/history').set('Authorization', editor())],
    ] as Array<[string, () => Test]>)('answers %s on an unknown flag with 404 problem+json', async (_what, send) => {
      await rejects(send, 404);
    });

    it('answers a command with If-Match on an unknown flag with 404, not 412', async () => {
      await rejects(
        () =>
          t.http().post('/v1/flags/no-such-flag/enable').set('Authorization', editor()).set('If-Match', '"3"').send({}),
        404,
      );
    });

    it.each(commandsOn(ARCHIVED))('refuses %s on an archived flag with 409 code FLAG_ARCHIVED', async (_what, send) => {
      const res = await rejects(send, 409);
      expect(res.body.code).toBe('FLAG_ARCHIVED');
    });

    it('answers a command that changes nothing (enable twice) with 200, event null and no new event', async () => {
      const first = await t
        .http()
        .post(`/v1/flags/${OPERATIONAL}/enable`)
        .set('Authorization', editor())
        .send({ reason: 'on' });
      expect(first.status).toBe(200);
      expect(first.body.event).toMatchObject({ type: 'FlagEnabled' });
      const before = eventCount(t.dbPath);
      const second = await t
        .http()
        .post(`/v1/flags/${OPERATIONAL}/enable`)
        .set('Authorization', editor())
        .send({ reason: 'on again' });
      expect(second.status).toBe(200);
      expect(second.body.event).toBeNull();
      expect(second.body.flag).toMatchObject({ key: OPERATIONAL, enabled: true, version: first.body.flag.version });
      expect(second.headers.etag).toBe(`"${first.body.flag.version}"`);
      expect(eventCount(t.dbPath)).toBe(before);
    });

    it.each([
      ['PUT rollout to the current value', () => putRollout({ percentage: 100 })],
      ['PUT segments to the current list', () => putSegments({ segments: [] })],
      ['PATCH with the current owner', () => patch(RELEASE, { owner: 'payments-team' })],
      ['PATCH with an empty body', () => patch(RELEASE, {})],
      [
        'archive an archived flag',
        () => t.http().post(`/v1/flags/${ARCHIVED}/archive`).set('Authorization', editor()).send({}),
      ],
      [
        'disable a disabled flag',
        () => t.http().post(`/v1/flags/${RELEASE}/disable`).set('Authorization', editor()).send({}),
      ],
      [
        'release a released kill switch',
        () => t.http().post(`/v1/flags/${RELEASE}/kill-switch/release`).set('Authorization', editor()).send({}),
      ],
    ] as Array<[string, () => Test]>)(
      'answers a no-op (%s) with 200, event null and no new event',
      async (_what, send) => {
        const before = eventCount(t.dbPath);
        const res = await send();
        expect({ status: res.status, body: res.body }).toMatchObject({ status: 200, body: { event: null } });
        expect(eventCount(t.dbPath)).toBe(before);
      },
    );
  });

  describe('malformed input never reaches the log and is never a 5xx', () => {
    it('rejects malformed JSON with 400 problem+json', async () => {
      await rejects(() => raw('post', '/v1/flags', '{"key": "broken", "type": '), 400);
      await rejects(() => raw('post', `/v1/flags/${RELEASE}/enable`, "{'reason': 'single quotes'}"), 400);
    });

    it.each([
      ['a JSON array', '[{"key":"arr","type":"operational","owner":"x"}]'],
      ['a JSON string', '"hello"'],
      ['a JSON number', '42'],
      ['JSON null', 'null'],
      ['JSON true', 'true'],
    ])('rejects %s as the body with 400 problem+json', async (_what, body) => {
      await rejects(() => raw('post', '/v1/flags', body), 400);
      await rejects(() => raw('post', `/v1/flags/${RELEASE}/enable`, body), 400);
    });

    it('rejects a text/plain body with content with 415 problem+json', async () => {
      await rejects(() => raw('post', '/v1/flags', JSON.stringify(releaseFlag('plain')), 'text/plain'), 415);
      await rejects(() => raw('post', `/v1/flags/${RELEASE}/enable`, 'please', 'text/plain'), 415);
    });

    it('rejects a form-encoded body with 415 problem+json', async () => {
      await rejects(
        () => raw('post', '/v1/flags', 'key=form&type=operational&owner=x', 'application/x-www-form-urlencoded'),
        415,
      );
    });

    it('rejects a body over 1 MB with 413 problem+json', async () => {
      const body = JSON.stringify(releaseFlag('huge', { description: 'x'.repeat(1024 * 1024 + 16) }));
      await rejects(() => raw('post', '/v1/flags', body), 413);
    });

    it.each([
      [
        '__proto__ at the top level',
        '{"__proto__": {"isAdmin": true}, "key": "proto-top", "type": "operational", "owner": "x"}',
        '__proto__',
      ],
      [
        'constructor at the top level',
        '{"constructor": {"prototype": {"isAdmin": true}}, "key": "ctor-top", "type": "operational", "owner": "x"}',
        'constructor',
      ],
      [
        'prototype at the top level',
        '{"prototype": {"isAdmin": true}, "key": "proto2-top", "type": "operational", "owner": "x"}',
        'prototype',
      ],
    ])('rejects %s with 400 naming it', async (_what, body, field) => {
      await rejects(() => raw('post', '/v1/flags', body), 400, field);
    });

    it('rejects __proto__ / constructor on a command body with 400', async () => {
      await rejects(() => raw('post', `/v1/flags/${RELEASE}/enable`, '{"__proto__": {"reason": "polluted"}}'), 400);
      await rejects(
        () => raw('put', `/v1/flags/${RELEASE}/rollout`, '{"percentage": 10, "constructor": {"name": "x"}}'),
        400,
      );
      // and the server's objects were not polluted
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });

    it('rejects a 20-level deep JSON object with 400', async () => {
      const deep = '{"a":'.repeat(20) + '1' + '}'.repeat(20);
      await rejects(() => raw('post', '/v1/flags', deep), 400);
      await rejects(
        () => raw('post', '/v1/flags', `{"key":"deep","type":"operational","owner":"x","description":${deep}}`),
        400,
      );
    });

    it('rejects 20-level deep nested arrays with 400', async () => {
      const deep = '['.repeat(20) + '"x"' + ']'.repeat(20);
      await rejects(
        () => raw('post', '/v1/flags', `{"key":"deep-arr","type":"operational","owner":"x","targetSegments":${deep}}`),
        400,
      );
    });

    it('answers pathologically deep JSON (100 000 levels) with a 4xx, not a crash', async () => {
      const deep = '['.repeat(100_000) + ']'.repeat(100_000);
      const before = eventCount(t.dbPath);
      const res = await raw('post', '/v1/flags', `{"targetSegments":${deep}}`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(problemJsonViolation(res)).toBeUndefined();
      expect(eventCount(t.dbPath)).toBe(before);
      const health = await t.http().get('/health');
      expect(health.status).toBe(200);
    });

    it('rejects an invalid If-Match header value with 400 naming If-Match', async () => {
      for (const value of ['abc', '"abc"', '"-1"', '"1.5"']) {
        await rejects(
          () =>
            t.http().post(`/v1/flags/${RELEASE}/enable`).set('Authorization', editor()).set('If-Match', value).send({}),
          400,
          'If-Match',
        );
      }
    });

    it('rejects an Idempotency-Key longer than 255 characters with 400 naming Idempotency-Key', async () => {
      await rejects(
        () =>
          t
            .http()
            .post(`/v1/flags/${RELEASE}/enable`)
            .set('Authorization', editor())
            .set('Idempotency-Key', 'k'.repeat(256))
            .send({}),
        400,
        'Idempotency-Key',
      );
      await rejects(
        () => create(releaseFlag('idem-long')).set('Idempotency-Key', 'k'.repeat(256)),
        400,
        'Idempotency-Key',
      );
    });

    it('rejects an Idempotency-Key with spaces or an empty value with 400 naming Idempotency-Key', async () => {
      await rejects(
        () =>
          t
            .http()
            .post(`/v1/flags/${RELEASE}/enable`)
            .set('Authorization', editor())
            .set('Idempotency-Key', 'has spaces')
            .send({}),
        400,
        'Idempotency-Key',
      );
      await rejects(
        () =>
          t
            .http()
            .post(`/v1/flags/${RELEASE}/enable`)
            .set('Authorization', editor())
            .set('Idempotency-Key', '')
            .send({}),
        400,
        'Idempotency-Key',
      );
    });
  });
});
