import { createFlag } from '../support/flags.js';
import { openRaw, queryRows } from '../support/raw-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TOKENS } from '../support/tokens.js';
import { dropAuditTrailChangeRequest } from '../support/undo-migrations.js';

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
    // As before migration 0011: no columns, no index, not migrated.
    const raw = openRaw(t.dbPath);
    try {
      dropAuditTrailChangeRequest(raw);
      raw.exec("DELETE FROM kysely_migration WHERE name = '0011-audit-trail-change-request'");
    } finally {
      raw.close();
    }
    t = await startTestApp({ dbPath: t.dbPath, clock: t.clock });
    expect(JSON.stringify(await dump())).toBe(JSON.stringify(projected));
  });
});
