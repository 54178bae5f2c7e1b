import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FlagSnapshot } from './flag-source.js';

/** The last known flags, so a service can start (and keep answering) while the control plane is down. */
export async function readBootstrapFile(path: string): Promise<FlagSnapshot> {
  const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<FlagSnapshot>;
  if (typeof parsed.headSeq !== 'number' || !Array.isArray(parsed.flags))
    throw new Error(`${path} is not a Flagledger bootstrap file`);
  return { headSeq: parsed.headSeq, flags: parsed.flags };
}

/** Written to a temporary file and renamed over the old one: a crash mid-write never leaves half a file. */
export async function writeBootstrapFile(path: string, snapshot: FlagSnapshot): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(snapshot));
  await rename(temporary, path);
}
