import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { type EventTable, toStoredEvent } from '../event-store/index.js';
import {
  verifyChain,
  type VerifyResult,
  toSignedCheckpoint,
  type SignedCheckpointTable,
  SIGNING_KEY_FILE,
} from '../integrity/index.js';

/**
 * The public key to check checkpoints with: the one the auditor was given (best), else the public half
 * of the key file beside the database (only as good as the access control on that directory).
 */
export function resolvePublicKey(dbPath: string, publicKey: KeyObject | undefined): { key: KeyObject; source: string } {
  if (publicKey !== undefined) return { key: publicKey, source: 'given' };
  const path = join(dirname(dbPath), SIGNING_KEY_FILE);
  if (!existsSync(path)) throw new Error(`no --public-key given and no ${SIGNING_KEY_FILE} beside ${dbPath}`);
  return { key: createPublicKey(readFileSync(path, 'utf8')), source: path };
}

/** Verifies a database file offline, through its own read-only connection; the server need not run. */
export async function verifyDatabaseFile(dbPath: string, publicKey: KeyObject): Promise<VerifyResult> {
  if (!existsSync(dbPath)) throw new Error(`no database at ${dbPath}`);
  const db = new BetterSqlite3(dbPath, { readonly: true, fileMustExist: true });
  try {
    const checkpoints = (
      db.prepare('SELECT * FROM signed_checkpoints ORDER BY seq').all() as SignedCheckpointTable[]
    ).map(toSignedCheckpoint);
    const rows = db.prepare('SELECT * FROM events ORDER BY seq').iterate() as IterableIterator<EventTable>;
    const events = (function* () {
      for (const row of rows) yield toStoredEvent(row);
    })();
    return await verifyChain(events, { checkpoints, publicKey, complete: true });
  } finally {
    db.close();
  }
}
