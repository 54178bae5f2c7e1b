import BetterSqlite3 from 'better-sqlite3';
import { withStatementCache } from './statement-cache.js';

describe('withStatementCache', () => {
  it('hands back the same prepared statement for the same SQL, and a fresh one after eviction', () => {
    const sqlite = new BetterSqlite3(':memory:');
    const db = withStatementCache(sqlite, 2);
    const first = db.prepare('SELECT 1');
    expect(db.prepare('SELECT 1')).toBe(first);
    db.prepare('SELECT 2');
    db.prepare('SELECT 1'); // most recently used again
    db.prepare('SELECT 3'); // evicts SELECT 2, the least recently used
    expect(db.prepare('SELECT 1')).toBe(first);
    const second = db.prepare('SELECT 2');
    expect(second.all([])).toEqual([{ 2: 2 }]);
    db.close();
    expect(sqlite.open).toBe(false);
  });
});
