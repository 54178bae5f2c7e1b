import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { ManualClock } from '../../../test/support/clock.js';
import { eventStoreContract } from '../../../test/support/event-store.contract.js';
import { tempDir } from '../../../test/support/temp-dir.js';
import { openSqliteDatabase } from '../../database/index.js';
import { ProjectionRegistry } from '../projection-registry.js';
import { SqliteEventStore } from './sqlite.event-store.js';

eventStoreContract('SQLite', async () => {
  const { dir, cleanup } = tempDir();
  const path = join(dir, 'events.db');
  const { db } = await openSqliteDatabase(path, 'full');
  const registry = new ProjectionRegistry();
  const clock = new ManualClock();
  return {
    store: new SqliteEventStore(db, registry, clock, () => new BetterSqlite3(path, { readonly: true })),
    db,
    registry,
    clock,
    close: async () => {
      await db.destroy();
      cleanup();
    },
  };
});

describe('openSqliteDatabase', () => {
  it('runs WAL with synchronous=FULL by default and NORMAL when asked', async () => {
    const { dir, cleanup } = tempDir();
    const full = await openSqliteDatabase(join(dir, 'full.db'), 'full');
    const normal = await openSqliteDatabase(join(dir, 'normal.db'), 'normal');
    expect(full.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(full.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    expect(normal.sqlite.pragma('synchronous', { simple: true })).toBe(1);
    await full.db.destroy();
    await normal.db.destroy();
    cleanup();
  });
});
