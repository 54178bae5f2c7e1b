import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** psql of the cluster `npm run test:pg` started (its bindir), else the one on PATH. */
function psqlBinary(): string {
  const dir = process.env.FLAGLEDGER_TEST_PG_DIR;
  const bindir =
    dir !== undefined && existsSync(join(dir, 'bindir')) ? readFileSync(join(dir, 'bindir'), 'utf8').trim() : undefined;
  return bindir !== undefined && existsSync(join(bindir, 'psql')) ? join(bindir, 'psql') : 'psql';
}

/**
 * Runs SQL (a script: several statements, COPY … FROM STDIN with its data inline) on a PostgreSQL
 * database synchronously, for test helpers whose SQLite twin is synchronous. Returns psql's unaligned,
 * tuples-only output; `quiet` leaves out command tags. Stops at the first error, which it throws.
 */
export function psql(url: string, script: string, quiet = true): string {
  return execFileSync(
    psqlBinary(),
    ['-X', '-A', '-t', ...(quiet ? ['-q'] : []), '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', '-'],
    {
      input: script,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    },
  ).trim();
}

export const isPostgresUrl = (value: string): boolean => /^postgres(ql)?:\/\//.test(value);
