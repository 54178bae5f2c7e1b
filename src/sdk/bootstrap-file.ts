import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FlagSnapshot } from './flag-source.js';

/** The file: a snapshot, and the environment it is of (absent: the server's default, over the v1 routes). */
interface BootstrapFile extends FlagSnapshot {
  environment?: string;
}

/**
 * The last known flags, so a service can start (and keep answering) while the control plane is down. A
 * file of another environment is refused: staging's flags must never answer for production.
 */
export async function readBootstrapFile(path: string, environment?: string): Promise<FlagSnapshot> {
  const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<BootstrapFile>;
  if (typeof parsed.headSeq !== 'number' || !Array.isArray(parsed.flags))
    throw new Error(`${path} is not a Flagledger bootstrap file`);
  if (parsed.environment !== environment)
    throw new Error(`${path} holds the flags of ${describe(parsed.environment)}, not of ${describe(environment)}`);
  return { headSeq: parsed.headSeq, flags: parsed.flags };
}

/** Written to a temporary file and renamed over the old one: a crash mid-write never leaves half a file. */
export async function writeBootstrapFile(path: string, snapshot: FlagSnapshot, environment?: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  const file: BootstrapFile = environment === undefined ? snapshot : { environment, ...snapshot };
  await writeFile(temporary, JSON.stringify(file));
  await rename(temporary, path);
}

function describe(environment: string | undefined): string {
  return environment === undefined ? "the server's default environment" : `environment '${environment}'`;
}
