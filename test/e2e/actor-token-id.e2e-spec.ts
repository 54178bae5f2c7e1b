import { createPublicKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { verifyExportFile } from '../../src/cli/verify-export.js';
import { releaseFlag } from '../support/flags.js';
import { openRaw } from '../support/raw-database.js';
import { tempDir } from '../support/temp-dir.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';

/**
 * docs/contract.md §9: the actor of an event is the token's name, and `actorTokenId` is recorded beside it,
 * for tokens issued through the API. A bootstrap (FLAGLEDGER_TOKENS) token's events carry no such key
 * anywhere, as before the field existed.
 */

const ENVELOPE_KEYS = ['seq', 'streamId', 'version', 'type', 'schemaVersion', 'data', 'actor'];
const ENVELOPE_TAIL = ['reason', 'at', 'idempotencyKey', 'prevHash', 'hash'];
const ENTRY_KEYS = ['seq', 'flag', 'version', 'type', 'actor'];
const ENTRY_TAIL = ['at', 'reason', 'from', 'to'];

function rawText(res: IncomingMessage, callback: (error: Error | null, body: string) => void): void {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (body += chunk));
  res.on('end', () => callback(null, body));
}

describe('actorTokenId: the issued token behind each event', () => {
  const tmp = tempDir();
  let t: TestApp;
  /** An editor and an admin issued through the API, and the seqs of what each did. */
  let bot: { id: string; secret: string };
  let ops: { id: string; secret: string };

  const bearer = (secret: string) => `Bearer ${secret}`;
  const issue = async (name: string, role: string, secret?: string) => {
    const req = t
      .http()
      .post('/v1/tokens')
      .set('Authorization', secret ? bearer(secret) : t.auth('admin'));
    const { token, secret: issued, event } = (await req.send({ name, role }).expect(201)).body;
    return { id: token.id as string, secret: issued as string, event: event as Record<string, unknown> };
  };
  const exportNdjson = async (query = '') => {
    const res = await t
      .http()
      .get(`/v1/export${query}`)
      .set('Authorization', t.auth('viewer'))
      .buffer(true)
      .parse(rawText as never)
      .expect(200);
    return res.body as string;
  };
  const rows = (text: string) =>
    text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((row) => row.manifest === undefined);

  beforeAll(async () => {
    t = await startTestApp();
    const issuedBot = await issue('release-bot', 'editor');
    // Issued by a bootstrap admin: no id beside its actor.
    expect(issuedBot.event).toMatchObject({ actor: TOKENS.admin.name });
    expect(issuedBot.event).not.toHaveProperty('actorTokenId');
    bot = issuedBot;
    ops = await issue('ops-admin', 'admin');
    // seq 3: a flag created by the issued editor; seq 4: enabled by the bootstrap editor.
    const created = await t
      .http()
      .post('/v1/flags')
      .set('Authorization', bearer(bot.secret))
      .send(releaseFlag('checkout', { reason: 'launch' }))
      .expect(201);
    expect(created.body.event).toMatchObject({ seq: 3, actor: 'release-bot', actorTokenId: bot.id });
    expect(Object.keys(created.body.event)).toEqual([...ENVELOPE_KEYS, 'actorTokenId', ...ENVELOPE_TAIL]);
    const enabled = await t.as('editor').post('/v1/flags/checkout/enable').send({}).expect(200);
    expect(Object.keys(enabled.body.event)).toEqual([...ENVELOPE_KEYS, ...ENVELOPE_TAIL]);
    // seq 5: an environment, seq 6: a token, both by the issued admin.
    await t
      .http()
      .post('/v1/environments')
      .set('Authorization', bearer(ops.secret))
      .send({ key: 'staging', name: 'Staging', type: 'staging' })
      .expect(201);
    const byOps = await issue('staging-bot', 'editor', ops.secret);
    expect(byOps.event).toMatchObject({ seq: 6, actor: 'ops-admin', actorTokenId: ops.id });
  });
  afterAll(async () => {
    await t.close();
    tmp.cleanup();
  });

  it("shows the token's name and id in the flag's history, and only the name for a bootstrap token", async () => {
    const { entries } = (await t.as('viewer').get('/v1/flags/checkout/history').expect(200)).body;
    expect(entries).toMatchObject([
      { seq: 3, actor: 'release-bot', actorTokenId: bot.id },
      { seq: 4, actor: TOKENS.editor.name },
    ]);
    expect(Object.keys(entries[0])).toEqual([...ENTRY_KEYS, 'actorTokenId', ...ENTRY_TAIL]);
    expect(Object.keys(entries[1])).toEqual([...ENTRY_KEYS, ...ENTRY_TAIL]);
  });

  it('shows both in the audit timeline, in its environment view too, environment events included', async () => {
    const { items } = (await t.as('viewer').get('/v1/audit').expect(200)).body;
    expect(items.map((e: Record<string, unknown>) => [e.seq, e.actor, e.actorTokenId])).toEqual([
      [3, 'release-bot', bot.id],
      [4, TOKENS.editor.name, undefined],
    ]);
    expect(Object.keys(items[1])).toEqual([...ENTRY_KEYS, ...ENTRY_TAIL]);
    const every = (await t.as('viewer').get('/v1/audit?environment=*').expect(200)).body.items;
    expect(every.map((e: Record<string, unknown>) => [e.seq, e.type, e.actorTokenId])).toEqual([
      [3, 'FlagCreated', bot.id],
      [4, 'FlagEnabled', undefined],
      [5, 'EnvironmentCreated', ops.id],
    ]);
  });

  it('exports it in the NDJSON rows of the events that have it, which verify online and offline', async () => {
    const text = await exportNdjson('?format=ndjson');
    expect(rows(text).map((row) => [row.seq, row.actorTokenId])).toEqual([
      [1, undefined],
      [2, undefined],
      [3, bot.id],
      [4, undefined],
      [5, ops.id],
      [6, ops.id],
    ]);
    const lines = text.trim().split('\n');
    for (const seq of [1, 2, 4]) expect(lines[seq - 1]).not.toContain('actorTokenId');
    expect(Object.keys(rows(text)[2]!)).toEqual([...ENVELOPE_KEYS, 'actorTokenId', ...ENVELOPE_TAIL]);
    expect((await t.as('viewer').get('/v1/audit/verify').expect(200)).body).toMatchObject({ ok: true, events: 6 });

    const publicKey = createPublicKey((await t.as('viewer').get('/v1/audit/public-key').expect(200)).body.publicKeyPem);
    const file = join(tmp.dir, 'export.ndjson');
    writeFileSync(file, text);
    expect(await verifyExportFile(file, publicKey)).toMatchObject({ ok: true, rows: 6, complete: true });
    const environmentFile = join(tmp.dir, 'export-staging.ndjson');
    writeFileSync(environmentFile, await exportNdjson('?format=ndjson&environment=*'));
    expect(await verifyExportFile(environmentFile, publicKey)).toMatchObject({ ok: true, rows: 6 });
  });

  it('is covered by the hash: a row whose token id was removed, changed or added fails offline verification', async () => {
    const text = await exportNdjson('?format=ndjson');
    const tampered = (seq: number, edit: (row: Record<string, unknown>) => void) => {
      const lines = text.trim().split('\n');
      const row = JSON.parse(lines[seq - 1]!) as Record<string, unknown>;
      edit(row);
      lines[seq - 1] = JSON.stringify(row);
      const file = join(tmp.dir, `tampered-${seq}.ndjson`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      return verifyExportFile(file, undefined);
    };
    expect(await tampered(3, (row) => delete row.actorTokenId)).toMatchObject({ ok: false, firstBadSeq: 3 });
    expect(await tampered(5, (row) => (row.actorTokenId = bot.id))).toMatchObject({ ok: false, firstBadSeq: 5 });
    expect(await tampered(4, (row) => (row.actorTokenId = bot.id))).toMatchObject({ ok: false, firstBadSeq: 4 });
  });

  it('is written again, byte for byte, by a projection rebuild', async () => {
    const dump = () => {
      const db = openRaw(t.dbPath);
      try {
        return JSON.stringify(db.prepare('SELECT * FROM audit_trail ORDER BY seq').all());
      } finally {
        db.close();
      }
    };
    const before = dump();
    expect(before).toContain(bot.id);
    const history = (await t.as('viewer').get('/v1/flags/checkout/history').expect(200)).text;
    await t.as('admin').post('/v1/admin/projections/rebuild').expect(200);
    expect(dump()).toBe(before);
    expect((await t.as('viewer').get('/v1/flags/checkout/history').expect(200)).text).toBe(history);
  });
});
