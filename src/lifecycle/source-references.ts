import { open, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

export interface SourceReference {
  file: string;
  line: number;
  text: string;
}

/** Folders that hold dependencies, history or build output: code nobody deletes by hand. */
const SKIPPED_DIRECTORIES = new Set([
  'node_modules',
  '.git',
  'dist',
  'build',
  'out',
  'coverage',
  '.next',
  '.turbo',
  'dist-bench',
  'vendor',
  'target',
]);
const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** A flag key as a whole token: `checkout_v2` must not match inside `checkout_v2_beta`. */
function keyPattern(keys: readonly string[]): RegExp {
  const escaped = keys.map((k) => k.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).sort((a, b) => b.length - a.length);
  return new RegExp(`(?<![A-Za-z0-9_.-])(${escaped.join('|')})(?![A-Za-z0-9_-]|\\.[A-Za-z0-9_])`, 'g');
}

/**
 * Every file:line under `root` that mentions one of `keys`, so the owner of a stale flag knows exactly
 * which code to delete. Skips dependency and build folders, binary files and files over 2 MiB.
 */
export async function findFlagReferences(
  root: string,
  keys: readonly string[],
): Promise<Map<string, SourceReference[]>> {
  const found = new Map<string, SourceReference[]>(keys.map((k) => [k, []]));
  if (keys.length === 0) return found;
  const pattern = keyPattern(keys);
  for await (const path of walk(root)) {
    const text = await readText(path);
    if (text === undefined) continue;
    const lines = text.split(/\r?\n/);
    lines.forEach((lineText, index) => {
      pattern.lastIndex = 0;
      const seen = new Set<string>();
      for (const match of lineText.matchAll(pattern)) {
        const key = match[1]!;
        if (seen.has(key)) continue;
        seen.add(key);
        found.get(key)!.push({ file: relative(root, path), line: index + 1, text: lineText.trim().slice(0, 200) });
      }
    });
  }
  return found;
}

async function* walk(directory: string): AsyncGenerator<string> {
  const entries = await readdir(directory, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) yield* walk(path);
    } else if (entry.isFile()) {
      yield path;
    }
  }
}

/** undefined for binary files (a NUL byte in the first 8 KiB) and files too large to be source. */
async function readText(path: string): Promise<string | undefined> {
  if ((await stat(path)).size > MAX_FILE_BYTES) return undefined;
  const handle = await open(path, 'r');
  try {
    const buffer = await handle.readFile();
    if (buffer.subarray(0, 8192).includes(0)) return undefined;
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}
