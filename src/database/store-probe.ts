/**
 * Checks, without writing an event, whether the storage could take appends again; rejects if not.
 * The event store's health probes with it while it is marked down (StoreHealth).
 */
export type StoreProbe = () => Promise<void>;

export const STORE_PROBE = Symbol('STORE_PROBE');

/** FLAGLEDGER_DB_TIMEOUT_MS's default: the longest a command waits on the database before a 503. */
export const DEFAULT_DB_TIMEOUT_MS = 5_000;

/** FLAGLEDGER_DB_TIMEOUT_MS of this run, for what bounds its own waits on the database (appends). */
export const DB_TIMEOUT_MS = Symbol('DB_TIMEOUT_MS');

/**
 * `work`, or a rejection once `ms` have passed: a probe must never hang on a database that does not
 * answer. `timedOut` names what did not answer, or gives the error to reject with, or undefined to keep
 * waiting for `work` after all (an append whose COMMIT is under way).
 */
export function within<T>(ms: number, work: Promise<T>, timedOut: string | (() => Error | undefined)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = typeof timedOut === 'string' ? new Error(`${timedOut} did not answer within ${ms} ms`) : timedOut();
      if (error !== undefined) reject(error);
    }, ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
