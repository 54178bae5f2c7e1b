import { DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';
import type { Database } from '../database/index.js';
import { RenamedTablesPlugin } from './renamed-tables.plugin.js';

const db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (kysely) => new SqliteIntrospector(kysely),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
}).withPlugin(new RenamedTablesPlugin(new Map([['flag_state', 'copy_of_flag_state']])));

describe('RenamedTablesPlugin', () => {
  it('points reads, upserts and table-qualified references at the renamed table, and nothing else', () => {
    expect(
      db.selectFrom('flag_state').select(['key', 'flag_state.state']).where('key', 'in', ['a']).compile().sql,
    ).toBe('select "key", "copy_of_flag_state"."state" from "copy_of_flag_state" where "key" in (?)');
    const upsert = db
      .insertInto('flag_state')
      .values({ key: 'a', state: '{}', version: 1, archived: 0, last_seq: 1 })
      .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ state: eb.ref('excluded.state') })))
      .compile().sql;
    expect(upsert).toContain('insert into "copy_of_flag_state"');
    expect(upsert).toContain('"state" = "excluded"."state"');
    expect(db.selectFrom('audit_trail').select('seq').compile().sql).toBe('select "seq" from "audit_trail"');
  });
});
