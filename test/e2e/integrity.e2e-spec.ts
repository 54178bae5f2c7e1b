import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyDatabaseFile } from '../../src/cli/verify-database.js';
import { eventHash } from '../../src/event-store/event-hash.js';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.js';
import type { EventTable } from '../../src/event-store/event.table.js';
import { toStoredEvent } from '../../src/event-store/stored-event.mapper.js';
import { signChainPoint } from '../../src/integrity/checkpoint-signature.js';
import { parsePublicKey, SIGNING_KEY_FILE } from '../../src/integrity/signing-key.js';
import { canonicalJson } from '../../src/shared/canonical-json.js';
import { backend, sqliteOnly } from '../support/backend.js';
import { releaseFlag } from '../support/flags.js';
import { openRaw } from '../support/raw-database.js';
import { tempDir } from '../support/temp-dir.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const EVENTS = 2500;

/** Appends rollout changes straight through the app's event store (projections included), 100 per append. */
async function growLog(t: TestApp, total: number): Promise<void> {
  await t.http().post('/v1/flags').set('Authorization', t.auth('editor')).send(releaseFlag('chain')).expect(201);
  const store = t.app.get<EventStore>(EVENT_STORE);
  let version = 1;
  let percentage = 100;
  while (version < total) {
    const batch = Array.from({ length: Math.min(100, total - version) }, () => {
      const to = (percentage + 37) % 101;
      const event = { type: 'FlagRolloutChanged', schemaVersion: 1, data: { from: percentage, to } };
      percentage = to;
      return event;
    });
    await store.append('chain', version, batch, { actor: 'alice', reason: null });
    version += batch.length;
  }
}

function dropGuards(db: ReturnType<typeof openRaw>): void {
  if (backend === 'postgres') {
    db.exec(
      'DROP TRIGGER events_append_only ON events; DROP TRIGGER signed_checkpoints_append_only ON signed_checkpoints;',
    );
    return;
  }
  db.exec('DROP TRIGGER events_refuse_update; DROP TRIGGER events_refuse_delete;');
  db.exec('DROP TRIGGER signed_checkpoints_refuse_update; DROP TRIGGER signed_checkpoints_refuse_delete;');
}

describe('signed checkpoints and verification', () => {
  const { dir, cleanup } = tempDir();
  const pristine = join(dir, 'pristine', 'flagledger.db');
  let publicKeyPem: string;

  beforeAll(async () => {
    const t = await startTestApp({ dbPath: pristine });
    await growLog(t, EVENTS);
    publicKeyPem = (await t.http().get('/v1/audit/public-key').set('Authorization', t.auth('viewer')).expect(200)).body
      .publicKeyPem;
    await t.close();
  });
  afterAll(cleanup);

  /** A tampered copy of the pristine database, verified offline with the server's public key. */
  async function verifyTampered(name: string, tamper: (db: ReturnType<typeof openRaw>) => void) {
    const path = join(dir, `${name}.db`);
    copyFileSync(pristine, path);
    const db = openRaw(path);
    dropGuards(db);
    tamper(db);
    db.close();
    return verifyDatabaseFile(path, parsePublicKey(publicKeyPem));
  }

  it('signs a checkpoint at every 1,000th event, in the append transaction', () => {
    const db = openRaw(pristine);
    const rows = db
      .prepare(
        'SELECT c.seq, CASE WHEN c.hash = e.hash THEN 1 ELSE 0 END AS matches FROM signed_checkpoints c JOIN events e ON e.seq = c.seq ORDER BY c.seq',
      )
      .all();
    db.close();
    expect(rows).toEqual([
      { seq: 1000, matches: 1 },
      { seq: 2000, matches: 1 },
    ]);
  });

  // SQLite only: these verify a tampered copy of the database file offline (the CLI's `verify`), which
  // PostgreSQL has no file for; there, verification is GET /v1/audit/verify (tested over HTTP below).
  sqliteOnly('verifies an untouched database', async () => {
    const db = openRaw(pristine);
    const head = db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get() as {
      seq: number;
      hash: string;
    };
    db.close();
    expect(await verifyDatabaseFile(pristine, parsePublicKey(publicKeyPem))).toEqual({
      ok: true,
      events: EVENTS,
      headSeq: EVENTS,
      headHash: head.hash,
      checkpoints: 2,
    });
  });

  sqliteOnly('names the seq whose data lost one byte', async () => {
    const result = await verifyTampered('byte', (db) =>
      db.prepare(`UPDATE events SET data = replace(data, '"from"', '"frOm"') WHERE seq = 500`).run(),
    );
    expect(result).toMatchObject({
      ok: false,
      firstBadSeq: 500,
      reason: expect.stringContaining('does not match its content'),
    });
  });

  sqliteOnly('names the seq that was deleted', async () => {
    const result = await verifyTampered('delete', (db) => db.prepare('DELETE FROM events WHERE seq = 700').run());
    expect(result).toMatchObject({ ok: false, firstBadSeq: 700, reason: expect.stringContaining('missing') });
  });

  sqliteOnly('catches two events whose contents were swapped', async () => {
    const result = await verifyTampered('swap', (db) => {
      const a = db.prepare('SELECT data FROM events WHERE seq = 300').get() as { data: string };
      const b = db.prepare('SELECT data FROM events WHERE seq = 301').get() as { data: string };
      db.prepare('UPDATE events SET data = ? WHERE seq = 300').run(b.data);
      db.prepare('UPDATE events SET data = ? WHERE seq = 301').run(a.data);
    });
    expect(result).toMatchObject({ ok: false, firstBadSeq: 300 });
  });

  sqliteOnly('catches a tail truncated below a signed checkpoint', async () => {
    const result = await verifyTampered('truncate', (db) => db.prepare('DELETE FROM events WHERE seq > 1500').run());
    expect(result).toMatchObject({ ok: false, firstBadSeq: 1501, reason: expect.stringContaining('truncated') });
  });

  sqliteOnly('catches a tail rewritten with recomputed hashes, through the signed checkpoint', async () => {
    const result = await verifyTampered('rewrite', (db) => {
      const rows = db.prepare('SELECT * FROM events WHERE seq >= 1800 ORDER BY seq').all() as EventTable[];
      let prevHash = (db.prepare('SELECT hash FROM events WHERE seq = 1799').get() as { hash: string }).hash;
      const update = db.prepare('UPDATE events SET data = ?, prev_hash = ?, hash = ? WHERE seq = ?');
      for (const row of rows) {
        const { hash: _old, ...unhashed } = toStoredEvent(row);
        const data = row.seq === 1800 ? { from: (unhashed.data as { from: number }).from, to: 0 } : unhashed.data;
        const forged = { ...unhashed, data, prevHash };
        const hash = eventHash(forged);
        update.run(canonicalJson(data), prevHash, hash, row.seq);
        prevHash = hash;
      }
    });
    expect(result).toMatchObject({ ok: false, firstBadSeq: 1001, reason: expect.stringContaining('seq 1001–2000') });
  });

  sqliteOnly('rejects a checkpoint whose signature was forged', async () => {
    const impostor = generateKeyPairSync('ed25519').privateKey;
    const result = await verifyTampered('forged', (db) => {
      const row = db.prepare('SELECT seq, hash, at FROM signed_checkpoints WHERE seq = 1000').get() as {
        seq: number;
        hash: string;
        at: string;
      };
      db.prepare('UPDATE signed_checkpoints SET signature = ? WHERE seq = 1000').run(signChainPoint(row, impostor));
    });
    expect(result).toMatchObject({ ok: false, firstBadSeq: 1000, reason: expect.stringContaining('signature') });
  });

  describe('over HTTP', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ dbPath: join(dir, 'live', 'flagledger.db') });
    });
    afterAll(() => t.close());

    it('refuses to sign an empty log', async () => {
      await t.http().post('/v1/admin/checkpoints').set('Authorization', t.auth('admin')).expect(409);
    });

    it('verifies, signs the head on demand once, and serves the public key it signs with', async () => {
      await t.http().post('/v1/flags').set('Authorization', t.auth('editor')).send(releaseFlag()).expect(201);
      await t.http().post('/v1/flags/new_payment_processor/enable').set('Authorization', t.auth('editor')).expect(200);
      const verified = await t.http().get('/v1/audit/verify').set('Authorization', t.auth('viewer')).expect(200);
      expect(verified.body).toMatchObject({ ok: true, events: 2, headSeq: 2, checkpoints: 0 });

      const signed = await t.http().post('/v1/admin/checkpoints').set('Authorization', t.auth('admin')).expect(201);
      expect(signed.body).toMatchObject({ seq: 2, hash: verified.body.headHash });
      const again = await t.http().post('/v1/admin/checkpoints').set('Authorization', t.auth('admin')).expect(200);
      expect(again.body).toEqual(signed.body);

      const key = await t.http().get('/v1/audit/public-key').set('Authorization', t.auth('viewer')).expect(200);
      expect(key.body).toMatchObject({ algorithm: 'Ed25519', keyId: signed.body.keyId });
      // SQLite keeps a generated key beside the file; PostgreSQL requires FLAGLEDGER_SIGNING_KEY instead.
      if (backend === 'sqlite')
        expect(readFileSync(join(dir, 'live', SIGNING_KEY_FILE), 'utf8')).toContain('PRIVATE KEY');
      expect((await t.http().get('/v1/audit/verify').set('Authorization', t.auth('viewer'))).body).toMatchObject({
        ok: true,
        checkpoints: 1,
      });
    });

    it('lets only admins sign and viewers verify', async () => {
      await t.http().post('/v1/admin/checkpoints').set('Authorization', t.auth('editor')).expect(403);
      await t.http().get('/v1/audit/verify').set('Authorization', t.auth('evaluator')).expect(403);
    });

    it('reports tampering done behind the running server', async () => {
      const db = openRaw(t.dbPath);
      dropGuards(db);
      db.prepare(`UPDATE events SET actor = 'mallory' WHERE seq = 1`).run();
      db.close();
      const verified = await t.http().get('/v1/audit/verify').set('Authorization', t.auth('viewer')).expect(200);
      expect(verified.body).toMatchObject({ ok: false, firstBadSeq: 1 });
    });

    it('keeps the generated key across restarts', async () => {
      const before = (await t.http().get('/v1/audit/public-key').set('Authorization', t.auth('viewer'))).body.keyId;
      await t.close();
      t = await startTestApp({ dbPath: t.dbPath });
      expect((await t.http().get('/v1/audit/public-key').set('Authorization', t.auth('viewer'))).body.keyId).toBe(
        before,
      );
    });
  });

  describe('GET /v1/audit/checkpoints/latest', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());
    const latest = async () =>
      (await t.http().get('/v1/audit/checkpoints/latest').set('Authorization', t.auth('viewer')).expect(200)).body;

    it('answers null before the first checkpoint, then the newest one signed, with its key id', async () => {
      expect(await latest()).toEqual({ checkpoint: null });
      await t.http().post('/v1/flags').set('Authorization', t.auth('editor')).send(releaseFlag()).expect(201);
      await t.http().post('/v1/admin/checkpoints').set('Authorization', t.auth('admin')).expect(201);
      await t.http().post('/v1/flags/new_payment_processor/enable').set('Authorization', t.auth('editor')).expect(200);
      const newest = await t.http().post('/v1/admin/checkpoints').set('Authorization', t.auth('admin')).expect(201);
      const key = await t.http().get('/v1/audit/public-key').set('Authorization', t.auth('viewer')).expect(200);
      expect(await latest()).toEqual({ checkpoint: { ...newest.body, seq: 2, keyId: key.body.keyId } });
    });
  });
});
