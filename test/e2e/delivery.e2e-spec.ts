import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { MAX_RESUME_GAP } from '../../src/delivery/delivery-options.js';
import { FlagStreams } from '../../src/delivery/flag-streams.js';
import type { FlagState } from '../../src/flags/flag-state.js';
import { LiveFlagStates } from '../../src/flags/projections/live-flag-states.js';
import { command as flagCommand, createFlag, releaseFlag, stateOf, type CommandAnswer } from '../support/flags.js';
import { expectProblem } from '../support/problem.js';
import { seedFlagEvents } from '../support/seed-events.js';
import { SseClient, type FlagChange } from '../support/sse-client.js';
import { tempDir } from '../support/temp-dir.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';

/**
 * GET /v1/snapshot and the GET /v1/stream change stream, against the real server. The stream is read with
 * node:http and a small SSE parser (supertest buffers whole responses), exactly as an SDK reads it.
 */

const HEARTBEAT_MS = 50;

interface Snapshot {
  headSeq: number;
  flags: FlagState[];
}

/** What a command answered: its event's seq and type, and the flag after it. */
interface Committed {
  seq: number;
  type: string;
  flag: FlagState;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function baseUrl(t: TestApp): string {
  return `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
}

/** Polls a condition the server settles asynchronously (a closed socket reaching the server). */
async function eventually(condition: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('delivery: snapshot and stream', () => {
  const tmp = tempDir();
  let t: TestApp;
  let base: string;
  const clients: SseClient[] = [];

  beforeAll(async () => {
    t = await startTestApp({ dbPath: join(tmp.dir, 'delivery.db'), delivery: { heartbeatMs: HEARTBEAT_MS } });
    base = baseUrl(t);
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await t.close();
    tmp.cleanup();
  });

  async function connect(options: Parameters<typeof SseClient.connect>[1] = {}): Promise<SseClient> {
    const client = await SseClient.connect(base, options);
    clients.push(client);
    return client;
  }

  const committed = ({ event, flag }: CommandAnswer): Committed => ({ seq: event.seq, type: event.type, flag });
  const create = async (key: string, overrides: Record<string, unknown> = {}) =>
    committed(await createFlag(t, key, overrides));
  /** Runs a command that changes the flag; returns what it committed. */
  const command = async (method: 'post' | 'put', path: string, body: Record<string, unknown> = {}) =>
    committed(await flagCommand(t, method, `/v1/flags/${path}`, body));

  async function snapshot(): Promise<Snapshot> {
    const res = await t.http().get('/v1/snapshot').set('Authorization', t.auth('evaluator'));
    expect(res.status).toBe(200);
    return res.body as Snapshot;
  }

  async function headSeq(): Promise<number> {
    return (await snapshot()).headSeq;
  }

  function asChange(key: string, committed: Committed): FlagChange {
    return { seq: committed.seq, key, type: committed.type, flag: committed.flag };
  }

  describe('GET /v1/snapshot', () => {
    it('answers every live flag in key order with the seq the states reflect, archived flags left out', async () => {
      await create('snap-b');
      await create('snap-a', { enabled: true, rolloutPercentage: 30 });
      await create('snap-c');
      const archived = await command('post', 'snap-c/archive');

      const body = await snapshot();
      expect(Object.keys(body).sort()).toEqual(['flags', 'headSeq']);
      expect(body.headSeq).toBe(archived.seq);
      const keys = body.flags.map((f) => f.key);
      expect(keys).toEqual([...keys].sort());
      expect(keys).toEqual(expect.arrayContaining(['snap-a', 'snap-b']));
      expect(keys).not.toContain('snap-c');
      const listed = await t.http().get('/v1/flags').set('Authorization', t.auth('viewer'));
      expect(body.flags).toEqual(listed.body.flags.map(stateOf));
      expect(body.flags.find((f) => f.key === 'snap-a')).toMatchObject({
        enabled: true,
        rolloutPercentage: 30,
        version: 1,
        archived: false,
      });
    });

    it('is open to evaluators and refuses a request without a token', async () => {
      await t.http().get('/v1/snapshot').set('Authorization', t.auth('evaluator')).expect(200);
      const res = await t.http().get('/v1/snapshot');
      expectProblem(res, 401);
    });
  });

  describe('GET /v1/stream', () => {
    it('refuses a request without a token with problem+json, not a stream', async () => {
      const client = await connect({ token: null });
      expect(client.status).toBe(401);
      expect(client.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('refuses an unknown query parameter with 400, like every other route', async () => {
      const client = await connect({ query: '?since=3' });
      expect(client.status).toBe(400);
      expect(client.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('sends the event-stream headers at once and starts with a snapshot equal to GET /v1/snapshot', async () => {
      await create('stream-start');
      const client = await connect();
      expect(client.status).toBe(200);
      expect(client.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(client.headers['cache-control']).toBe('no-cache');
      expect(client.headers['x-accel-buffering']).toBe('no');

      await client.until(() => client.events.length >= 1, 'the snapshot');
      const [first] = client.events;
      const expected = await snapshot();
      expect(first).toEqual({ event: 'snapshot', id: String(expected.headSeq), data: JSON.stringify(expected) });
    });

    it('pushes a committed command as a flag event with its seq and the state after it', async () => {
      await create('pushed');
      const client = await connect();
      await client.until(() => client.events.length >= 1, 'the snapshot');

      const engaged = await command('post', 'pushed/kill-switch/engage', { reason: 'INC-1' });
      const [change] = await client.untilFlagChanges(1);
      expect(client.events[1]!.id).toBe(String(engaged.seq));
      expect(change).toEqual(asChange('pushed', engaged));
      expect(change!.flag).toMatchObject({ killSwitch: true, version: 2 });
    });

    it('sends archived flags as flag events with archived true', async () => {
      await create('to-archive');
      const client = await connect({ lastEventId: String(await headSeq()) });
      const archived = await command('post', 'to-archive/archive');
      const [change] = await client.untilFlagChanges(1);
      expect(change).toEqual(asChange('to-archive', archived));
      expect(change!.flag.archived).toBe(true);
    });

    it('replays exactly the missed events after Last-Event-ID, with the states the commands answered, then continues live', async () => {
      await create('resumed-1');
      await create('resumed-2');
      const lastSeen = await headSeq();
      const missed = [
        asChange('resumed-1', await command('post', 'resumed-1/enable')),
        asChange('resumed-2', await command('put', 'resumed-2/rollout', { percentage: 25 })),
        asChange('resumed-1', await command('put', 'resumed-1/segments', { segments: ['beta'] })),
        asChange('resumed-2', await command('post', 'resumed-2/kill-switch/engage')),
        asChange('resumed-1', await command('post', 'resumed-1/archive')),
      ];

      const client = await connect({ lastEventId: String(lastSeen) });
      await client.untilFlagChanges(missed.length);
      expect(client.events.map((e) => e.event)).toEqual(missed.map(() => 'flag'));
      expect(client.events.map((e) => Number(e.id))).toEqual(missed.map((_, i) => lastSeen + 1 + i));
      expect(client.flagChanges).toEqual(missed);

      const live = asChange('resumed-2', await command('post', 'resumed-2/kill-switch/release'));
      await client.untilFlagChanges(missed.length + 1);
      expect(client.flagChanges.at(-1)).toEqual(live);
      expect(client.events.map((e) => e.event)).not.toContain('snapshot');
    });

    it('takes the Last-Event-ID from the lastEventId query parameter, as EventSource polyfills send it', async () => {
      await create('polyfilled');
      const lastSeen = await headSeq();
      const enabled = asChange('polyfilled', await command('post', 'polyfilled/enable'));
      const client = await connect({ query: `?lastEventId=${lastSeen}` });
      expect(await client.untilFlagChanges(1)).toEqual([enabled]);
      expect(client.events).toHaveLength(1);
    });

    it('sends nothing when resuming at the head until the next change', async () => {
      await create('quiet');
      const client = await connect({ lastEventId: String(await headSeq()) });
      await client.until(() => client.heartbeats >= 2, 'two heartbeats');
      expect(client.events).toEqual([]);

      const enabled = asChange('quiet', await command('post', 'quiet/enable'));
      expect(await client.untilFlagChanges(1)).toEqual([enabled]);
      expect(client.events).toHaveLength(1);
    });

    it.each([
      ['ahead of the head', (head: number) => String(head + 100)],
      ['not a number', () => 'abc'],
      ['negative', () => '-1'],
    ])('starts with a fresh snapshot for a Last-Event-ID %s', async (_what, lastEventId) => {
      const head = await headSeq();
      const client = await connect({ lastEventId: lastEventId(head) });
      await client.until(() => client.events.length >= 1, 'the snapshot');
      expect(client.events[0]).toMatchObject({ event: 'snapshot', id: String(head) });
      expect(JSON.parse(client.events[0]!.data)).toEqual(await snapshot());
    });

    it('gives every client that connects while commands commit each seq after its id exactly once, in order', async () => {
      const keys = Array.from({ length: 20 }, (_, i) => `race-${String(i).padStart(2, '0')}`);
      for (const key of keys) await create(key);
      const start = await headSeq();

      // Commands and connections spread over the same few tens of milliseconds, so clients start while
      // commands commit: some replays end mid-burst, some changes arrive while a replay is being read.
      const commands = keys.map((key, i) => sleep(i).then(() => command('post', `${key}/kill-switch/engage`)));
      const connecting = [0, 12, 1, 8, 3, 5, 0, 2, 10, 4].map((behind, i) =>
        sleep(2 * i).then(async () => ({
          client: await connect({ lastEventId: String(start - behind) }),
          after: start - behind,
        })),
      );
      const committed = await Promise.all(commands);
      const readers = await Promise.all(connecting);

      const end = start + keys.length;
      expect(committed.map((c) => c.seq).sort((a, b) => a - b)).toEqual(
        Array.from({ length: keys.length }, (_, i) => start + 1 + i),
      );
      for (const { client, after } of readers) await client.untilFlagChanges(end - after);
      // Anything duplicated would arrive right behind the last expected event.
      await sleep(2 * HEARTBEAT_MS);
      for (const { client, after } of readers) {
        expect(client.events.map((e) => e.event)).not.toContain('snapshot');
        expect(client.flagChanges.map((c) => c.seq)).toEqual(
          Array.from({ length: end - after }, (_, i) => after + 1 + i),
        );
      }
      // The states streamed for the racing commands are the ones the commands answered.
      const bySeq = new Map(readers[0]!.client.flagChanges.map((c) => [c.seq, c]));
      for (const c of committed)
        expect(bySeq.get(c.seq)).toEqual({ seq: c.seq, key: c.flag.key, type: c.type, flag: c.flag });
    });

    it('sends a heartbeat comment on an idle stream', async () => {
      const client = await connect();
      await client.until(() => client.heartbeats >= 3, 'three heartbeats', 1000);
      expect(client.events.map((e) => e.event)).toEqual(['snapshot']);
    });

    it('sends no event for a rejected command or one that changes nothing', async () => {
      await create('unchanged', { enabled: true });
      const client = await connect({ lastEventId: String(await headSeq()) });
      const editor = t.auth('editor');
      await t.http().post('/v1/flags/unchanged/enable').set('Authorization', editor).expect(200);
      await t
        .http()
        .post('/v1/flags/unchanged/disable')
        .set('Authorization', editor)
        .set('If-Match', '"7"')
        .expect(412);
      await t
        .http()
        .put('/v1/flags/unchanged/rollout')
        .set('Authorization', editor)
        .send({ percentage: 300 })
        .expect(400);
      await t.http().post('/v1/flags').set('Authorization', editor).send(releaseFlag('unchanged')).expect(409);
      await t.http().post('/v1/flags/unchanged/disable').set('Authorization', t.auth('viewer')).expect(403);

      const disabled = asChange('unchanged', await command('post', 'unchanged/disable'));
      expect(await client.untilFlagChanges(1)).toEqual([disabled]);
      expect(client.events).toHaveLength(1);
    });

    it('unsubscribes and forgets a stream when its client disconnects', async () => {
      const streams = t.app.get(FlagStreams);
      const live = t.app.get(LiveFlagStates);
      await eventually(() => streams.openCount === 0, 'earlier tests’ streams to close');
      const before = live.listenerCount;

      const opened = [await connect(), await connect({ lastEventId: String(await headSeq()) })];
      await opened[0]!.until(() => opened[0]!.events.length >= 1, 'the snapshot');
      expect(streams.openCount).toBe(2);
      expect(live.listenerCount).toBe(before + 2);

      for (const client of opened) client.close();
      await eventually(() => streams.openCount === 0, 'the streams to close');
      expect(live.listenerCount).toBe(before);
    });
  });
});

describe('delivery: resuming from too far behind', () => {
  const tmp = tempDir();
  let t: TestApp;

  beforeAll(async () => {
    const dbPath = join(tmp.dir, 'behind.db');
    // Migrate the file, then seed more events than a stream replays.
    const first = await startTestApp({ dbPath });
    await first.close();
    seedFlagEvents(first.dbPath, { flags: 5, events: MAX_RESUME_GAP + 50 });
    t = await startTestApp({ dbPath, delivery: { heartbeatMs: HEARTBEAT_MS } });
  });
  afterAll(async () => {
    await t.close();
    tmp.cleanup();
  });

  it(`starts with a fresh snapshot for a Last-Event-ID more than ${MAX_RESUME_GAP} events behind, and replays one exactly that far behind`, async () => {
    const head = MAX_RESUME_GAP + 50;
    const tooOld = await SseClient.connect(baseUrl(t), { lastEventId: String(head - MAX_RESUME_GAP - 1) });
    const oldest = await SseClient.connect(baseUrl(t), { lastEventId: String(head - MAX_RESUME_GAP) });
    try {
      await tooOld.until(() => tooOld.events.length >= 1, 'the snapshot');
      expect(tooOld.events[0]).toMatchObject({ event: 'snapshot', id: String(head) });
      const snapshot = JSON.parse(tooOld.events[0]!.data) as Snapshot;
      expect(snapshot.headSeq).toBe(head);
      expect(snapshot.flags).toHaveLength(5);

      // The replayed states fold to the same final states the snapshot holds.
      const changes = await oldest.untilFlagChanges(MAX_RESUME_GAP);
      expect(changes.map((c) => c.seq)).toEqual(Array.from({ length: MAX_RESUME_GAP }, (_, i) => 51 + i));
      // Every change names its own flag, and the seeded tail changed every flag, so each snapshot state is
      // compared: none may be skipped for want of a change under its key.
      const last = new Map(changes.map((c) => [c.key, c.flag]));
      expect([...last.keys()].sort()).toEqual(snapshot.flags.map((f) => f.key).sort());
      expect(changes.filter((c) => c.key !== c.flag.key).map((c) => c.seq)).toEqual([]);
      for (const flag of snapshot.flags) expect(last.get(flag.key)).toEqual(flag);
      const versions = changes.filter((c) => c.key === changes[0]!.key).map((c) => c.flag.version);
      expect(versions).toEqual(versions.map((_, i) => versions[0]! + i));
    } finally {
      tooOld.close();
      oldest.close();
    }
  });
});

describe('delivery: shutdown', () => {
  it('ends every open stream on app.close(), which returns promptly', async () => {
    const tmp = tempDir();
    const t = await startTestApp({ dbPath: join(tmp.dir, 'shutdown.db') });
    try {
      const clients = await Promise.all([
        SseClient.connect(baseUrl(t)),
        SseClient.connect(baseUrl(t)),
        SseClient.connect(baseUrl(t), { lastEventId: '0' }),
      ]);
      await clients[0]!.until(() => clients[0]!.events.length >= 1, 'the snapshot');
      expect(t.app.get(FlagStreams).openCount).toBe(3);

      const started = Date.now();
      await t.close();
      expect(Date.now() - started).toBeLessThan(1000);
      for (const client of clients) await client.until(() => client.ended, 'the end of the stream');
    } finally {
      tmp.cleanup();
    }
  });
});

describe('delivery: streams per token', () => {
  const LIMIT = 3;
  const tmp = tempDir();
  let t: TestApp;
  const clients: SseClient[] = [];

  beforeAll(async () => {
    t = await startTestApp({ dbPath: join(tmp.dir, 'bounded.db'), delivery: { maxStreamsPerPrincipal: LIMIT } });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await t.close();
    tmp.cleanup();
  });

  async function open(token: string): Promise<SseClient> {
    const client = await SseClient.connect(baseUrl(t), { token });
    clients.push(client);
    return client;
  }

  it(`refuses a token's stream beyond ${LIMIT} open ones with 429 problem+json, leaves other tokens alone, and admits again once one closes`, async () => {
    const held = [];
    for (let i = 0; i < LIMIT; i++) held.push(await open(TOKENS.evaluator.secret));
    expect(held.map((c) => c.status)).toEqual([200, 200, 200]);

    const refused = await t.http().get('/v1/stream').set('Authorization', t.auth('evaluator'));
    expectProblem(refused, 429, { code: 'TOO_MANY_STREAMS' });
    expect(refused.body.errors[0]).toMatchObject({ field: 'Authorization' });
    expect(t.app.get(FlagStreams).openCount).toBe(LIMIT);

    const otherToken = await open(TOKENS.admin.secret);
    expect(otherToken.status).toBe(200);

    held[0]!.close();
    await eventually(() => t.app.get(FlagStreams).openCount === LIMIT, 'the closed stream to be forgotten');
    const again = await open(TOKENS.evaluator.secret);
    expect(again.status).toBe(200);
    await again.until(() => again.events.length >= 1, 'the snapshot');
  });
});
