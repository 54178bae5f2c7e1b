import { accessSync, constants, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.js';
import type { StoreProbe } from '../store-probe.js';

/**
 * Below this much free space the file is still taken as full: an append writes pages to the WAL and the
 * indexes, and a few free bytes would let a probe pass that the next command fails.
 */
export const SQLITE_MIN_FREE_BYTES = 256 * 1024;

/**
 * Whether the SQLite file could take appends: writable (not a read-only mount), enough free space in
 * its file system, and the connection answering. Nothing is written, so the probe cannot fill the disk.
 */
export function sqliteStoreProbe(path: string, db: Kysely<Database>): StoreProbe {
  return async () => {
    if (path !== ':memory:') {
      accessSync(path, constants.W_OK);
      const { bavail, bsize } = statfsSync(dirname(path));
      if (bavail * bsize < SQLITE_MIN_FREE_BYTES)
        throw new Error(`${bavail * bsize} bytes free beside ${path}, under ${SQLITE_MIN_FREE_BYTES}`);
    }
    await sql`SELECT 1`.execute(db);
  };
}
