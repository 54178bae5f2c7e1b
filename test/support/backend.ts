export type TestBackend = 'sqlite' | 'postgres';

/**
 * The database the e2e suites run the app on: FLAGLEDGER_TEST_BACKEND=postgres (with FLAGLEDGER_TEST_PG_URL,
 * as `npm run test:pg` sets both) gives each app a fresh PostgreSQL database; unset, a temp SQLite file.
 */
export const backend: TestBackend = (() => {
  const value = process.env.FLAGLEDGER_TEST_BACKEND ?? 'sqlite';
  if (value !== 'sqlite' && value !== 'postgres')
    throw new Error(`FLAGLEDGER_TEST_BACKEND must be sqlite or postgres, got '${value}'`);
  return value;
})();

// Jest's globals, looked up when called: bench/ compiles the test kit without Jest's types and never runs it.
type TestFn = (name: string, fn: () => unknown, timeoutMs?: number) => void;
type SuiteFn = (name: string, fn: () => void) => void;
export const jestGlobals = globalThis as unknown as {
  it: TestFn & { skip: TestFn };
  describe: SuiteFn & { skip: SuiteFn };
  afterAll?: (fn: () => Promise<void>) => void;
};

/**
 * `it` on SQLite, `it.skip` on PostgreSQL: for a test about the SQLite file itself (opening it raw to
 * tamper with it, the CLI on a file, its pragmas). Every use says why next to it.
 */
export const sqliteOnly: TestFn = (name, fn, timeoutMs) =>
  (backend === 'sqlite' ? jestGlobals.it : jestGlobals.it.skip)(name, fn, timeoutMs);
/** `describe` on SQLite, `describe.skip` on PostgreSQL; see sqliteOnly. */
export const describeSqliteOnly: SuiteFn = (name, fn) =>
  (backend === 'sqlite' ? jestGlobals.describe : jestGlobals.describe.skip)(name, fn);
