import { join } from 'node:path';
import { CommittedEventFeed } from '../../src/event-store/committed-event-feed.js';
import { EVENT_STORE, type EventStore, type StoredEvent } from '../../src/event-store/event-store.js';
import { foldFlagEvents } from '../../src/flags/flag-event-folding.js';
import type { FlagState } from '../../src/flags/flag-state.js';
import type { FlagSnapshotTable } from '../../src/flags/projections/flag-snapshot.table.js';
import { command as flagCommand, releaseFlag, stateOf, type CommandAnswer } from '../support/flags.js';
import { expectProblem } from '../support/problem.js';
import { openRaw } from '../support/raw-database.js';
import { tempDir } from '../support/temp-dir.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';

/** A live list as time travel shows it: flag states without today's usage telemetry. */
const liveList = (body: { flags: object[]; headSeq: number }) => ({ ...body, flags: body.flags.map(stateOf) });

/**
 * docs/contract.md §4 time travel: GET /flags/:key?asOf=|?version=, GET /flags?asOf=, and evaluate with asOf answer
 * exactly as the flags were, computed from the log (per-flag snapshots plus the events after them).
 */

const MINUTE = 60_000;

/** What a command answered, in the order the commands ran. */
type Recorded = CommandAnswer;

const before = (at: string) => new Date(Date.parse(at) - 1).toISOString();

describe('time travel', () => {
  const tmp = tempDir();
  const dbPath = join(tmp.dir, 'time-travel.db');
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ dbPath });
  });
  afterAll(async () => {
    await t.close();
    tmp.cleanup();
  });

  /** Runs a command one minute after the previous one and returns what the API answered. */
  async function command(method: 'post' | 'put' | 'patch', path: string, body: object = {}): Promise<Recorded> {
    t.clock.advance(MINUTE);
    return flagCommand(t, method, path, body);
  }

  const viewer = (path: string) => t.http().get(path).set('Authorization', t.auth('viewer'));
  const evaluate = (body: object) => t.http().post('/v1/evaluate').set('Authorization', t.auth('evaluator')).send(body);
  const evaluateAll = (body: object) =>
    t.http().post('/v1/evaluate/all').set('Authorization', t.auth('evaluator')).send(body);

  describe('one flag', () => {
    const history: Recorded[] = [];

    beforeAll(async () => {
      const key = 'tt-every';
      history.push(
        await command('post', '/v1/flags', releaseFlag(key, { targetSegments: ['beta'], description: 'first' })),
      );
      history.push(await command('put', `/v1/flags/${key}/rollout`, { percentage: 25 }));
      history.push(await command('post', `/v1/flags/${key}/enable`));
      history.push(await command('put', `/v1/flags/${key}/segments`, { segments: ['beta', 'staff'] }));
      history.push(await command('patch', `/v1/flags/${key}`, { owner: 'growth', ticket: 'GRO-9', description: null }));
      history.push(await command('post', `/v1/flags/${key}/kill-switch/engage`, { reason: 'INC-1' }));
      history.push(await command('post', `/v1/flags/${key}/kill-switch/release`));
      history.push(await command('put', `/v1/flags/${key}/rollout`, { percentage: 100 }));
      history.push(await command('post', `/v1/flags/${key}/archive`));
      history.push(await command('post', `/v1/flags/${key}/restore`));
      history.push(await command('post', `/v1/flags/${key}/disable`));
      t.clock.advance(MINUTE);
    });

    it('returns at every version exactly the state the command answered with, with that version as ETag', async () => {
      for (const { flag } of history) {
        const res = await viewer(`/v1/flags/tt-every?version=${flag.version}`).expect(200);
        expect(res.body).toEqual(flag);
        expect(res.headers.etag).toBe(`"${flag.version}"`);
      }
    });

    it("returns at every event's time, and until just before the next one, exactly the state the command answered with", async () => {
      for (const [i, { flag, event }] of history.entries()) {
        expect((await viewer(`/v1/flags/tt-every?asOf=${event.at}`).expect(200)).body).toEqual(flag);
        const next = history[i + 1];
        if (next !== undefined)
          expect((await viewer(`/v1/flags/tt-every?asOf=${before(next.event.at)}`).expect(200)).body).toEqual(flag);
      }
    });

    it('reads asOf in any zone and an asOf in the future as the current state', async () => {
      const { flag, event } = history[4]!;
      const shifted = new Date(Date.parse(event.at) - 5 * 60 * MINUTE).toISOString().replace(/\.\d+Z$/, '-05:00');
      expect((await viewer(`/v1/flags/tt-every?asOf=${encodeURIComponent(shifted)}`).expect(200)).body).toEqual(flag);
      const current = await viewer('/v1/flags/tt-every').expect(200);
      expect((await viewer('/v1/flags/tt-every?asOf=2100-01-01T00:00:00Z').expect(200)).body).toEqual(
        stateOf(current.body),
      );
    });

    it('answers 304 to If-None-Match with the historical version', async () => {
      const res = await viewer('/v1/flags/tt-every?version=3').set('If-None-Match', '"3"');
      expect(res.status).toBe(304);
    });

    it('answers 404 before the flag was created, for a version it never reached, and for an unknown flag', async () => {
      const created = history[0]!.event.at;
      const tooEarly = await viewer(`/v1/flags/tt-every?asOf=${before(created)}`);
      expectProblem(tooEarly, 404);
      expect(tooEarly.body.code).toBe('FLAG_NOT_FOUND');
      expect(tooEarly.body.detail).toContain('as of');
      expectProblem(await viewer('/v1/flags/tt-every?asOf=2000-01-01'), 404);
      const beyond = await viewer(`/v1/flags/tt-every?version=${history.length + 1}`);
      expectProblem(beyond, 404);
      expect(beyond.body.detail).toContain(`at version ${history.length + 1}`);
      expectProblem(await viewer('/v1/flags/never-created?version=1'), 404);
      expectProblem(await viewer('/v1/flags/never-created?asOf=2100-01-01T00:00:00Z'), 404);
    });

    it('refuses asOf together with version, a bad asOf, a bad version and unknown parameters', async () => {
      const both = await viewer(`/v1/flags/tt-every?asOf=${history[1]!.event.at}&version=2`);
      expectProblem(both, 400, { field: 'version' });
      expect(both.body.errors[0].message).toContain('asOf');
      for (const asOf of ['yesterday', '2026-11-25T12:00:00', '2026-02-30T00:00:00Z', '', '1732536000000']) {
        expectProblem(await viewer(`/v1/flags/tt-every?asOf=${asOf}`), 400, { field: 'asOf' });
      }
      for (const version of ['0', '-1', '1.5', 'abc', '', '1e3']) {
        expectProblem(await viewer(`/v1/flags/tt-every?version=${version}`), 400, { field: 'version' });
      }
      expectProblem(await viewer('/v1/flags/tt-every?at=2026-11-25T12:00:00Z'), 400, { field: 'at' });
      expectProblem(await viewer('/v1/flags?asOf=tomorrow'), 400, { field: 'asOf' });
      expectProblem(await viewer('/v1/flags?version=1'), 400, { field: 'version' });
    });
  });

  describe('the list and evaluation', () => {
    /** What the live API answered right after each step, to be asked again later with asOf. */
    const seen: Array<{ at: string; list: unknown; listArchived: unknown; all: unknown }> = [];

    async function observe(at: string): Promise<void> {
      seen.push({
        at,
        list: liveList((await viewer('/v1/flags').expect(200)).body),
        listArchived: liveList((await viewer('/v1/flags?includeArchived=true').expect(200)).body),
        all: (await evaluateAll({ context: { userId: 'u-1', segment: 'beta' } }).expect(200)).body,
      });
    }

    beforeAll(async () => {
      await observe(t.clock.now().toISOString());
      const steps: Array<[method: 'post' | 'put', path: string, body?: object]> = [
        ['post', '/v1/flags', { key: 'tt-kill', type: 'operational', owner: 'sre', enabled: true }],
        ['post', '/v1/flags', releaseFlag('tt-exp', { type: 'experiment', rolloutPercentage: 30, enabled: true })],
        ['post', '/v1/flags/tt-kill/kill-switch/engage', { reason: 'INC-2' }],
        ['post', '/v1/flags/tt-exp/archive'],
        ['put', '/v1/flags/tt-kill/rollout', { percentage: 0 }],
        ['post', '/v1/flags/tt-exp/restore'],
        ['post', '/v1/flags/tt-kill/kill-switch/release'],
      ];
      for (const [method, path, body] of steps) {
        const { event } = await command(method, path, body);
        await observe(event.at);
      }
    });

    it('GET /v1/flags?asOf lists the flags as the live list showed them then, archived ones on request', async () => {
      for (const point of seen) {
        expect((await viewer(`/v1/flags?asOf=${point.at}`).expect(200)).body).toEqual(point.list);
        expect((await viewer(`/v1/flags?asOf=${point.at}&includeArchived=true`).expect(200)).body).toEqual(
          point.listArchived,
        );
      }
      const operational = await viewer(`/v1/flags?asOf=${seen[2]!.at}&type=operational`).expect(200);
      expect(operational.body.flags.map((f: FlagState) => f.key)).toEqual(['tt-kill']);
      expect((await viewer('/v1/flags?asOf=2000-01-01T00:00:00Z').expect(200)).body).toEqual({ flags: [], headSeq: 0 });
    });

    it('POST /v1/evaluate with asOf answers as the flag was then', async () => {
      const created = seen[1]!.at;
      const engaged = seen[3]!.at;
      const released = seen[7]!.at;
      const context = { userId: 'u-1' };
      expect((await evaluate({ flagKey: 'tt-kill', context, asOf: before(created) }).expect(200)).body).toEqual({
        flagKey: 'tt-kill',
        enabled: false,
        reason: 'FLAG_NOT_FOUND',
        flagVersion: null,
      });
      expect((await evaluate({ flagKey: 'tt-kill', context, asOf: before(engaged) }).expect(200)).body).toEqual({
        flagKey: 'tt-kill',
        enabled: true,
        reason: 'ROLLOUT_FULL',
        flagVersion: 1,
      });
      expect((await evaluate({ flagKey: 'tt-kill', context, asOf: engaged }).expect(200)).body).toMatchObject({
        enabled: false,
        reason: 'KILL_SWITCH',
        flagVersion: 2,
      });
      expect((await evaluate({ flagKey: 'tt-kill', context, asOf: released }).expect(200)).body).toMatchObject({
        enabled: false,
        reason: 'ROLLOUT_OUT',
        flagVersion: 4,
      });
      expect((await evaluate({ flagKey: 'tt-exp', context, asOf: seen[4]!.at }).expect(200)).body).toMatchObject({
        enabled: false,
        reason: 'ARCHIVED',
      });
    });

    it('POST /v1/evaluate/all with asOf answers as it did then, with the headSeq of that moment', async () => {
      for (const point of seen) {
        expect(
          (await evaluateAll({ context: { userId: 'u-1', segment: 'beta' }, asOf: point.at }).expect(200)).body,
        ).toEqual(point.all);
      }
    });

    it('refuses an asOf that is not an ISO date-time with a zone', async () => {
      expectProblem(await evaluate({ flagKey: 'tt-kill', asOf: 'last tuesday' }), 400, { field: 'asOf' });
      expectProblem(await evaluate({ flagKey: 'tt-kill', asOf: 1732536000000 }), 400, { field: 'asOf' });
      expectProblem(await evaluateAll({ asOf: '2026-11-25T12:00' }), 400, { field: 'asOf' });
    });
  });

  describe('a flag with thousands of versions', () => {
    const key = 'tt-long';
    const BATCHES = [1, 998, 2, 500, 499, 1, 300, 37]; // the first is FlagCreated; 2,338 versions in all
    /** Each batch's last version and its time. */
    const points: Array<{ version: number; at: string }> = [];
    let full: StoredEvent[];

    const foldTo = (version: number) => foldFlagEvents(undefined, full.slice(0, version));

    beforeAll(async () => {
      const created = await command('post', '/v1/flags', { key, type: 'permission', owner: 'iam' });
      points.push({ version: 1, at: created.event.at });
      const store = t.app.get<EventStore>(EVENT_STORE);
      let version = 1;
      let rollout = 100;
      for (const size of BATCHES.slice(1)) {
        t.clock.advance(MINUTE);
        const events = Array.from({ length: size }, () => {
          const from = rollout;
          rollout = (rollout + 37) % 101;
          return { type: 'FlagRolloutChanged', schemaVersion: 1, data: { from, to: rollout } };
        });
        const result = await store.append(key, version, events, { actor: TOKENS.admin.name, reason: 'load' });
        if (result.kind !== 'appended') throw new Error('expected an append');
        version += size;
        points.push({ version, at: result.events[result.events.length - 1]!.at });
      }
      // Appends made behind the command handler's back reach the live projection through the feed.
      await t.app.get(CommittedEventFeed).catchUp();
      full = await store.readStream(key);
      expect(full).toHaveLength(version);
    });

    const snapshotRows = (): FlagSnapshotTable[] => {
      const db = openRaw(dbPath);
      try {
        return db
          .prepare('SELECT * FROM flag_snapshots WHERE key = ? ORDER BY version')
          .all(key) as FlagSnapshotTable[];
      } finally {
        db.close();
      }
    };

    it('keeps a snapshot every 1,000 versions holding the state a full fold gives', () => {
      const rows = snapshotRows();
      expect(rows.map((r) => r.version)).toEqual([1000, 2000]);
      for (const row of rows) {
        expect(JSON.parse(row.state)).toEqual(foldTo(row.version));
        expect(row.seq).toBe(full[row.version - 1]!.seq);
        expect(row.at).toBe(full[row.version - 1]!.at);
      }
    });

    it('answers ?version=N around the snapshots exactly as a full fold', async () => {
      const last = full.length;
      for (const version of [1, 2, 999, 1000, 1001, 1500, 1999, 2000, 2001, last - 1, last]) {
        expect((await viewer(`/v1/flags/${key}?version=${version}`).expect(200)).body).toEqual(foldTo(version));
      }
      expectProblem(await viewer(`/v1/flags/${key}?version=${last + 1}`), 404);
      expect(stateOf((await viewer(`/v1/flags/${key}`).expect(200)).body)).toEqual(foldTo(last));
    });

    it('answers ?asOf at each batch exactly as a full fold, alone and in the list', async () => {
      for (const { version, at } of points) {
        expect((await viewer(`/v1/flags/${key}?asOf=${at}`).expect(200)).body).toEqual(foldTo(version));
        const listed = await viewer(`/v1/flags?asOf=${at}&type=permission`).expect(200);
        expect(listed.body.flags).toEqual([foldTo(version)]);
        expect(listed.body.headSeq).toBe(full[version - 1]!.seq);
      }
    });

    it('reads from the latest snapshot, not from version 1', async () => {
      const db = openRaw(dbPath);
      const original = snapshotRows().find((r) => r.version === 1000)!;
      try {
        // Mark the snapshot: a read that starts from it shows the mark, one before it does not.
        const marked = { ...(JSON.parse(original.state) as FlagState), owner: 'from-the-snapshot' };
        db.prepare('UPDATE flag_snapshots SET state = ? WHERE key = ? AND version = 1000').run(
          JSON.stringify(marked),
          key,
        );
        expect((await viewer(`/v1/flags/${key}?version=1500`).expect(200)).body.owner).toBe('from-the-snapshot');
        expect((await viewer(`/v1/flags/${key}?asOf=${points[3]!.at}`).expect(200)).body.owner).toBe(
          'from-the-snapshot',
        );
        expect((await viewer(`/v1/flags?asOf=${points[3]!.at}&type=permission`).expect(200)).body.flags[0].owner).toBe(
          'from-the-snapshot',
        );
        expect((await viewer(`/v1/flags/${key}?version=999`).expect(200)).body.owner).toBe('iam');
      } finally {
        db.prepare('UPDATE flag_snapshots SET state = ? WHERE key = ? AND version = 1000').run(original.state, key);
        db.close();
      }
    });

    it('comes out of a full projection rebuild byte for byte the same', async () => {
      const expected = snapshotRows();
      const report = await t
        .http()
        .post('/v1/admin/projections/rebuild')
        .set('Authorization', t.auth('admin'))
        .expect(200);
      expect(report.body.tables).toContain('flag_snapshots');
      expect(snapshotRows()).toEqual(expected);
    });

    it('rebuilds byte-identical snapshots from the log when the projection starts from scratch', async () => {
      const expected = snapshotRows();
      await t.close();
      const db = openRaw(dbPath);
      try {
        db.prepare('DELETE FROM flag_snapshots').run();
        db.prepare('DELETE FROM flag_state').run();
        db.prepare("DELETE FROM projection_checkpoints WHERE name = 'flag_state'").run();
      } finally {
        db.close();
      }
      t = await startTestApp({ dbPath, clock: t.clock });
      expect(snapshotRows()).toEqual(expected);
      expect((await viewer(`/v1/flags/${key}?version=2001`).expect(200)).body).toEqual(foldTo(2001));
    });
  });
});
