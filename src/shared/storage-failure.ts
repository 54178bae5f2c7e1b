import { RetryLaterError } from './domain-error.js';

/** Why the store could not take an append, as /ready and /metrics name it. */
export type StorageFailure = 'full' | 'unavailable';

/** SQLite result codes (better-sqlite3's `code`, extended codes included) that mean "no space". */
const SQLITE_FULL = /^SQLITE_FULL/;
/** SQLite codes of a file the store cannot write now: I/O, read-only file system, lock wait, lost file. */
const SQLITE_UNAVAILABLE = /^SQLITE_(IOERR|READONLY|BUSY|LOCKED|CANTOPEN|PROTOCOL|NOLFS)/;
/**
 * PostgreSQL SQLSTATEs: class 53 is insufficient resources (53100 disk full), class 08 a connection
 * exception, 57P01–57P05 the server shutting down or not accepting connections, 57014 a statement
 * cancelled by statement_timeout, 55P03 a lock not available within lock_timeout, 25006 a read-only
 * server (a standby after failover).
 */
const PG_FULL = new Set(['53100']);
const PG_UNAVAILABLE = /^(53|08|57P0[1-5]$|57014$|55P03$|25006$)/;
/** Node's socket errors, an append past its deadline, and pg's messages for a connection that never came or went away. */
const NETWORK_CODES = new Set([
  'FLAGLEDGER_APPEND_DEADLINE',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const PG_CONNECTION_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout|connect ETIMEDOUT)/;

/**
 * Whether `error`, thrown by the database under an append, means the storage cannot take writes now
 * (and undefined for anything else: a bug, a constraint the code should have prevented). Only these
 * become 503s; everything else stays a logged 500, so real defects are not hidden as outages.
 */
export function storageFailureOf(error: unknown): StorageFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (SQLITE_FULL.test(code) || PG_FULL.has(code) || code === 'ENOSPC') return 'full';
    if (SQLITE_UNAVAILABLE.test(code) || PG_UNAVAILABLE.test(code) || NETWORK_CODES.has(code)) return 'unavailable';
  }
  if (typeof message === 'string' && PG_CONNECTION_MESSAGES.test(message)) return 'unavailable';
  return undefined;
}

export const isStorageFailure = (error: unknown): boolean => storageFailureOf(error) !== undefined;

/** How long a client is asked to wait before retrying a refused write, in seconds. */
export const STORAGE_RETRY_AFTER_SECONDS = 2;

/** A write refused because the storage is full. */
export class StorageFullError extends RetryLaterError {
  constructor() {
    super(
      'STORAGE_FULL',
      'the event store is out of disk space: the change was not stored; retry later (with the same Idempotency-Key, a retry applies it exactly once)',
      STORAGE_RETRY_AFTER_SECONDS,
    );
  }
}

/** A write refused because the database cannot be reached or did not answer in time. */
export class StorageUnavailableError extends RetryLaterError {
  constructor() {
    super(
      'STORAGE_UNAVAILABLE',
      'the event store is unavailable (unreachable, read-only or too slow): the change was not acknowledged; retry later (with the same Idempotency-Key, a retry applies it exactly once)',
      STORAGE_RETRY_AFTER_SECONDS,
    );
  }
}

export function storageRefusal(failure: StorageFailure): RetryLaterError {
  return failure === 'full' ? new StorageFullError() : new StorageUnavailableError();
}
