import { createFlag } from '../support/flags.js';
import { expectProblem } from '../support/problem.js';
import { openRaw, queryRows } from '../support/raw-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';
import { dropAuditTrailChangeRequest, dropClientSightings } from '../support/undo-migrations.js';

type Entry = Record<string, unknown> & { seq: number };

/**
 * docs/contract.md §10 and issue 15 item 5: the flag events an apply wrote name the change request in
 * history, audit and export, `changeRequest=` selects them, and every other entry is as it was.
 */
describe('change requests traced in history, audit and export', () => {
  let t: TestApp;
  let id: string;
  let appliedSeqs: number[];
  const dump = () => queryRows(t.dbPath, 'SELECT * FROM audit_trail ORDER BY seq');

  beforeAll(async () => {
    t = await startTestApp();
    for (const key of ['checkout', 'search']) await createFlag(t, key);
    const bob = (await t.as('admin').post('/v1/tokens').send({ name: 'bob', role: 'editor' }).expect(201)).body
      .secret as string;
    await t.as('admin').patch('/v1/environments/production').send({ requiredApprovals: 1 }).expect(200);
    const version = async (key: string) =>
      (await t.as('viewer').get(`/v1/flags/${key}`).expect(200)).body.version as number;
    const changes = [
      { flagKey: 'checkout', command: 'enable', baseVersion: await version('checkout') },
      { flagKey: 'search', command: 'rollout', value: 25, baseVersion: await version('search') },
    ];
    const created = await t
      .as('editor')
      .post('/v1/change-requests')
      .send({ environment: 'production', title: 'Launch', changes })
      .expect(201);
    id = created.body.changeRequest.id as string;
    await t.http().post(`/v1/change-requests/${id}/approve`).set('Authorization', `Bearer ${bob}`).send({}).expect(200);
    // Applied by the approver: the actor is bob, the author still alice.
    const applied = await t
      .http()
      .post(`/v1/change-requests/${id}/apply`)
      .set('Authorization', `Bearer ${bob}`)
      .send({})
      .expect(200);
    appliedSeqs = (applied.body.flagEvents as { seq: number }[]).map((e) => e.seq);
    // A direct change after it: definitions stay direct in a protected environment.
    await t.as('editor').patch('/v1/flags/checkout').send({ description: 'direct' }).expect(200);
  });
  afterAll(() => t.close());

  const trace = () => ({ id, author: TOKENS.editor.name, approvers: ['bob'] });
  const entriesOf = async (path: string): Promise<Entry[]> => {
    const body = (await t.as('viewer').get(path).expect(200)).body as { entries?: Entry[]; items?: Entry[] };
    return body.entries ?? body.items ?? [];
  };
  const traced = (entries: Entry[]) => entries.filter((e) => 'changeRequest' in e);
  const exportRows = async (query: string) => {
    const res = await t.as('viewer').get(`/v1/export?format=ndjson${query}`).buffer(true).expect(200);
    const lines = res.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Entry & { manifest?: Record<string, unknown> });
    return { rows: lines.slice(0, -1), manifest: lines.at(-1)!.manifest! };
  };

  it('shows changeRequest on the entries an apply wrote, in every view, and on no other entry', async () => {
    const reads = [
      '/v1/flags/checkout/history',
      '/v1/flags/checkout/history?environment=*',
      '/v1/flags/search/history?environment=production',
      '/v1/audit',
      '/v1/audit?environment=*',
      '/v1/audit?environment=production',
    ];
    for (const path of reads) {
      const entries = await entriesOf(path);
      const expected = entries.filter((e) => appliedSeqs.includes(e.seq));
      expect(expected.length).toBeGreaterThan(0);
      expect({ path, traced: traced(entries) }).toEqual({
        path,
        traced: expected.map((e) => ({ ...e, actor: 'bob', changeRequest: trace() })),
      });
    }
    // The direct change after the apply is an entry like any v1 one: its keys and nothing more.
    const last = (await entriesOf('/v1/flags/checkout/history')).at(-1)!;
    expect(last).toMatchObject({ type: 'FlagDetailsChanged', actor: TOKENS.editor.name });
    expect(Object.keys(last)).toEqual(['seq', 'flag', 'version', 'type', 'actor', 'at', 'reason', 'from', 'to']);
  });

  it('narrows GET /v1/audit, in both views, to the flag events that request applied', async () => {
    for (const path of [
      `/v1/audit?changeRequest=${id}`,
      `/v1/audit?changeRequest=${id}&environment=*`,
      `/v1/audit?changeRequest=${id}&environment=production`,
    ]) {
      const entries = await entriesOf(path);
      expect({ path, seqs: entries.map((e) => e.seq) }).toEqual({ path, seqs: appliedSeqs });
      expect(traced(entries)).toEqual(entries);
    }
    expect((await entriesOf(`/v1/audit?changeRequest=${id}&flag=search`)).map((e) => e.flag)).toEqual(['search']);
    expect(await entriesOf('/v1/audit?changeRequest=cr_unknown1')).toEqual([]);
  });

  it('narrows GET /v1/export the same way, and says so in its manifest', async () => {
    for (const view of ['', '&environment=*', '&environment=production']) {
      const { rows, manifest } = await exportRows(`&changeRequest=${id}${view}`);
      expect({ view, seqs: rows.map((r) => r.seq) }).toEqual({ view, seqs: appliedSeqs });
      expect(manifest).toMatchObject({ count: appliedSeqs.length, filters: { changeRequest: id } });
    }
    const { rows } = await exportRows(`&changeRequest=${id}&type=FlagRolloutChanged`);
    expect(rows.map((r) => r.streamId)).toEqual(['search']);
    expect((await exportRows('')).manifest.filters).toEqual({});
  });

  it.each(['/v1/audit', '/v1/export'])('refuses a changeRequest that is no change request id on %s', async (path) => {
    for (const value of ['42', 'cr_', 'cr_a b', 'CR_abc']) {
      const res = await t.as('viewer').get(path).query({ changeRequest: value });
      expectProblem(res, 400);
      expect(res.body.errors).toEqual([{ field: 'changeRequest', message: expect.stringContaining('cr_') }]);
    }
  });

  it('projects the same rows again on a rebuild, and the log still verifies', async () => {
    const before = await dump();
    expect(before.filter((r) => r.change_request_id !== null).map((r) => r.seq)).toEqual(appliedSeqs);
    await t.as('admin').post('/v1/admin/projections/rebuild').expect(200);
    expect(JSON.stringify(await dump())).toBe(JSON.stringify(before));
    expect((await t.as('viewer').get('/v1/audit/verify').expect(200)).body).toMatchObject({ ok: true });
  });

  it('fills in the rows of earlier applies on upgrade, the rows a rebuild writes', async () => {
    const projected = await dump();
    await t.close();
    // As before migration 0011: no columns, no index, not migrated; nor anything after it (Kysely runs
    // migrations in order only).
    const raw = openRaw(t.dbPath);
    try {
      dropAuditTrailChangeRequest(raw);
      dropClientSightings(raw);
      raw.exec("DELETE FROM kysely_migration WHERE name >= '0011'");
    } finally {
      raw.close();
    }
    t = await startTestApp({ dbPath: t.dbPath, clock: t.clock });
    expect(JSON.stringify(await dump())).toBe(JSON.stringify(projected));
  });
});
