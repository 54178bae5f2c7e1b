import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temp directory for one test file's databases; removed by cleanup(). */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'flagledger-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
