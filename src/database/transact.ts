import type { Kysely, Transaction } from 'kysely';

/**
 * `db.transaction().execute(work)`, except that the error thrown is the one that failed the
 * transaction. SQLite rolls a transaction back by itself when a write or its COMMIT fails for want of
 * space or I/O (SQLITE_FULL, SQLITE_IOERR); Kysely's ROLLBACK then fails with "no transaction is
 * active", and that error, not the cause, would reach the caller. So a failed rollback is ignored here:
 * the transaction is gone either way.
 */
export async function transact<DB, T>(db: Kysely<DB>, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  const trx = await db.startTransaction().execute();
  let result: T;
  try {
    result = await work(trx);
    await trx.commit().execute();
  } catch (error) {
    await trx
      .rollback()
      .execute()
      .catch(() => undefined);
    throw error;
  }
  return result;
}
