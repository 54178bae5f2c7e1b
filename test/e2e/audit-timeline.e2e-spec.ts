import { join } from 'node:path';
import type { StoredEvent } from '../../src/event-store/event-store.js';
import type { AuditEntry } from '../../src/history/audit-entry.mapper.js';
import { command as flagCommand, releaseFlag } from '../support/flags.js';
import { expectProblem } from '../support/problem.js';
import { tempDir } from '../support/temp-dir.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS, type RoleName } from '../support/tokens.js';

/** docs/contract.md §4 GET /v1/audit: the global timeline, its filters and seq-cursor paging. */

const MINUTE = 60_000;

type Entry = AuditEntry;

interface Page {
  items: Entry[];
  nextCursor: number | null;
}

describe('GET /v1/audit (global timeline)', () => {
  const tmp = tempDir();
  let t: TestApp;
  /** The events the seeding commands appended, in order. */
  const seeded: StoredEvent[] = [];

  async function command(
    role: RoleName,
    method: 'post' | 'put' | 'patch',
    path: string,
    body: object = {},
  ): Promise<StoredEvent> {
    return (await flagCommand(t, method, path, body, role)).event;
  }

  async function timeline(query: string, role: RoleName = 'viewer'): Promise<Page> {
    const res = await t.http().get(`/v1/audit${query}`).set('Authorization', t.auth(role));
    expect(res.status).toBe(200);
    return res.body as Page;
  }

  /** The whole timeline, for comparing a filter with the same filter applied by hand. */
  const everything = async () => (await timeline('?limit=1000')).items;

  beforeAll(async () => {
    t = await startTestApp({ dbPath: join(tmp.dir, 'audit-timeline.db') });
    const steps: Array<() => Promise<StoredEvent>> = [
      () => command('editor', 'post', '/v1/flags', releaseFlag('checkout', { reason: 'PAY-1' })),
      () => command('admin', 'post', '/v1/flags', releaseFlag('search', { type: 'experiment' })),
      () => command('editor', 'put', '/v1/flags/checkout/rollout', { percentage: 25, reason: 'canary' }),
      () => command('admin', 'post', '/v1/flags/checkout/enable', { reason: 'go' }),
      () => command('editor', 'post', '/v1/flags/search/kill-switch/engage', { reason: 'INC-7' }),
      () => command('admin', 'post', '/v1/flags/search/kill-switch/release', { reason: 'fixed' }),
      () => command('editor', 'post', '/v1/flags/search/enable'),
      () => command('editor', 'patch', '/v1/flags/checkout', { owner: 'payments' }),
      () => command('admin', 'post', '/v1/flags/checkout/archive', { reason: 'done' }),
    ];
    for (const step of steps) {
      seeded.push(await step());
      t.clock.advance(MINUTE);
    }
  });
  afterAll(async () => {
    await t.close();
    tmp.cleanup();
  });

  it('lists every event oldest first with who, when, why and from → to', async () => {
    const page = await timeline('');
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((e) => e.seq)).toEqual(seeded.map((e) => e.seq));
    expect(page.items[2]).toEqual({
      seq: seeded[2]!.seq,
      flag: 'checkout',
      version: 2,
      type: 'FlagRolloutChanged',
      actor: TOKENS.editor.name,
      at: seeded[2]!.at,
      reason: 'canary',
      from: 100,
      to: 25,
    });
  });

  it('narrows to one flag, the same entries as its history', async () => {
    const page = await timeline('?flag=search');
    expect(page.items.map((e) => e.seq)).toEqual(seeded.filter((e) => e.streamId === 'search').map((e) => e.seq));
    const history = await t.http().get('/v1/flags/search/history').set('Authorization', t.auth('viewer')).expect(200);
    expect(page.items).toEqual(history.body.entries);
  });

  it('narrows to one actor', async () => {
    const page = await timeline(`?actor=${TOKENS.admin.name}`);
    expect(page.items.map((e) => e.seq)).toEqual(seeded.filter((e) => e.actor === TOKENS.admin.name).map((e) => e.seq));
    expect((await timeline('?actor=nobody')).items).toEqual([]);
  });

  it('narrows to one type, and to several with a repeated type', async () => {
    const single = await timeline('?type=FlagCreated');
    expect(single.items.map((e) => e.flag)).toEqual(['checkout', 'search']);
    const several = await timeline('?type=FlagEnabled&type=FlagKillSwitchReleased');
    expect(several.items.map((e) => e.type)).toEqual(['FlagEnabled', 'FlagKillSwitchReleased', 'FlagEnabled']);
  });

  it('answers "who enabled what and when" in one call', async () => {
    const page = await timeline('?type=FlagEnabled&type=FlagKillSwitchReleased');
    const expected = seeded
      .filter((e) => e.type === 'FlagEnabled' || e.type === 'FlagKillSwitchReleased')
      .map((e) => ({ flag: e.streamId, actor: e.actor, at: e.at, type: e.type, reason: e.reason }));
    expect(page.items.map(({ flag, actor, at, type, reason }) => ({ flag, actor, at, type, reason }))).toEqual(
      expected,
    );
    expect(expected.map((e) => `${e.actor} ${e.type} ${e.flag}`)).toEqual([
      `${TOKENS.admin.name} FlagEnabled checkout`,
      `${TOKENS.admin.name} FlagKillSwitchReleased search`,
      `${TOKENS.editor.name} FlagEnabled search`,
    ]);
  });

  it('narrows to a time window, both ends inclusive, whatever zone the bounds are written in', async () => {
    const from = seeded[2]!.at;
    const to = seeded[5]!.at;
    const inWindow = seeded.slice(2, 6).map((e) => e.seq);
    expect((await timeline(`?from=${from}&to=${to}`)).items.map((e) => e.seq)).toEqual(inWindow);
    expect((await timeline(`?from=${from}`)).items.map((e) => e.seq)).toEqual(seeded.slice(2).map((e) => e.seq));
    expect((await timeline(`?to=${to}`)).items.map((e) => e.seq)).toEqual(seeded.slice(0, 6).map((e) => e.seq));
    // The same instant written with an offset: 12:02Z is 14:02+02:00.
    const offset = new Date(Date.parse(from) + 2 * 60 * MINUTE).toISOString().replace('Z', '+02:00');
    expect((await timeline(`?from=${encodeURIComponent(offset)}&to=${to}`)).items.map((e) => e.seq)).toEqual(inWindow);
  });

  it('combines filters, each one narrowing', async () => {
    const page = await timeline(
      `?flag=checkout&actor=${TOKENS.admin.name}&type=FlagEnabled&type=FlagArchived&from=${seeded[4]!.at}`,
    );
    expect(page.items.map((e) => e.seq)).toEqual([seeded[8]!.seq]);
  });

  it('pages with limit and after, and the filters still apply', async () => {
    const first = await timeline('?limit=4');
    expect(first.items.map((e) => e.seq)).toEqual(seeded.slice(0, 4).map((e) => e.seq));
    expect(first.nextCursor).toBe(seeded[3]!.seq);
    const second = await timeline(`?limit=4&after=${first.nextCursor}`);
    expect(second.items.map((e) => e.seq)).toEqual(seeded.slice(4, 8).map((e) => e.seq));
    const last = await timeline(`?limit=4&after=${second.nextCursor}`);
    expect(last).toEqual({ items: [expect.objectContaining({ seq: seeded[8]!.seq })], nextCursor: null });
    // Exactly limit left: no cursor, since nothing more matched.
    expect((await timeline(`?limit=1&after=${seeded[7]!.seq}`)).nextCursor).toBeNull();

    const byCreator = await timeline(`?actor=${TOKENS.editor.name}&limit=2`);
    const rest = await timeline(`?actor=${TOKENS.editor.name}&limit=2&after=${byCreator.nextCursor}`);
    expect([...byCreator.items, ...rest.items].map((e) => e.seq)).toEqual(
      seeded
        .filter((e) => e.actor === TOKENS.editor.name)
        .slice(0, 4)
        .map((e) => e.seq),
    );
  });

  it('returns every event exactly once across pages while commands are being appended', async () => {
    const keys = ['paged-a', 'paged-b', 'paged-c', 'paged-d'];
    await Promise.all(
      keys.map((key) => command('editor', 'post', '/v1/flags', { key, type: 'operational', owner: 'sre' })),
    );
    let writing = true;
    // Four flags toggled in parallel, 24 times each: about a hundred appends racing the reader.
    const writes = Promise.all(
      keys.map(async (key) => {
        for (let i = 0; i < 24; i++)
          await command('editor', 'post', `/v1/flags/${key}/${i % 2 === 0 ? 'enable' : 'disable'}`);
      }),
    ).finally(() => (writing = false));

    const collected: Entry[] = [];
    let pagesWhileWriting = 0;
    let after = 0;
    /** Follows nextCursor until the timeline says nothing more matched; returns where to resume. */
    const drain = async (): Promise<void> => {
      for (;;) {
        const page = await timeline(`?limit=7&after=${after}`);
        if (writing) pagesWhileWriting++;
        collected.push(...page.items);
        if (page.items.length > 0) after = page.items[page.items.length - 1]!.seq;
        if (page.nextCursor === null) return;
        expect(page.nextCursor).toBe(after);
      }
    };
    while (writing) await drain();
    await writes;
    await drain();

    const all = await everything();
    expect(all.length).toBeGreaterThan(100);
    expect(pagesWhileWriting).toBeGreaterThan(1);
    expect(collected).toEqual(all);
    expect(new Set(collected.map((e) => e.seq)).size).toBe(collected.length);
  });

  it('serves 100 entries by default and up to 1000 on request', async () => {
    const all = await everything();
    expect(all.length).toBeGreaterThan(100);
    const byDefault = await timeline('');
    expect(byDefault.items).toEqual(all.slice(0, 100));
    expect(byDefault.nextCursor).toBe(all[99]!.seq);
    expect((await timeline('?limit=1000')).nextCursor).toBeNull();
  });

  it.each(['0', '1001', 'abc', '-1', '1.5', '1e2', ''])('refuses limit=%p with 400 naming limit', async (limit) => {
    const res = await t.http().get(`/v1/audit?limit=${limit}`).set('Authorization', t.auth('viewer'));
    expectProblem(res, 400, { field: 'limit' });
    expect(res.body.errors).toEqual([{ field: 'limit', message: 'must be an integer from 1 to 1000' }]);
  });

  it.each(['-1', 'abc', '2.5', ''])('refuses after=%p with 400 naming after', async (after) => {
    expectProblem(await t.http().get(`/v1/audit?after=${after}`).set('Authorization', t.auth('viewer')), 400, {
      field: 'after',
    });
  });

  it('refuses a repeated limit, an unknown type, a bad date and an unknown parameter', async () => {
    const get = (query: string) => t.http().get(`/v1/audit${query}`).set('Authorization', t.auth('viewer'));
    expectProblem(await get('?limit=1&limit=2'), 400, { field: 'limit' });
    expectProblem(await get('?type=FlagEnabled&type=FlagExploded'), 400, { field: 'type' });
    expectProblem(await get('?from=yesterday'), 400, { field: 'from' });
    expectProblem(await get('?to=2026-02-30T00:00:00Z'), 400, { field: 'to' });
    const unknown = await get('?flags=checkout');
    expectProblem(unknown, 400, { field: 'flags' });
    expect(unknown.body.errors).toEqual([{ field: 'flags', message: 'is not a known field' }]);
  });

  it('is open to viewers and above, not to evaluators or anonymous callers', async () => {
    for (const role of ['viewer', 'editor', 'admin'] as const) await timeline('?limit=1', role);
    const evaluator = await t.http().get('/v1/audit').set('Authorization', t.auth('evaluator'));
    expect(evaluator.status).toBe(403);
    expect((await t.http().get('/v1/audit')).status).toBe(401);
  });
});
