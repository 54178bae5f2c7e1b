import { sql } from 'kysely';

/**
 * Text compared byte by byte, as SQLite compares it: ISO times, flag keys and cursors sort the same
 * whatever locale the database was created with (a libc or ICU collation would not promise that).
 */
export const text = sql`text COLLATE "C"`;
