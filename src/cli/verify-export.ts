import type { KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { StoredEvent } from '../event-store/index.js';
import type { ExportManifest } from '../export/index.js';
import { verifyChain, isValidCheckpointSignature } from '../integrity/index.js';

export type ExportVerification =
  | {
      ok: true;
      rows: number;
      firstSeq: number | null;
      lastSeq: number | null;
      complete: boolean;
      checkpoint: 'verified' | 'none' | 'not checked: no public key';
    }
  | { ok: false; firstBadSeq: number | null; reason: string };

async function* lines(path: string): AsyncGenerator<string> {
  const reader = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of reader) if (line.trim() !== '') yield line;
}

/** The manifest is the last line; reading it first lets the row pass check against its checkpoint. */
async function readManifest(path: string): Promise<ExportManifest | undefined> {
  let last: string | undefined;
  for await (const line of lines(path)) last = line;
  if (last === undefined) return undefined;
  const parsed = JSON.parse(last) as { manifest?: ExportManifest };
  return parsed.manifest;
}

/**
 * Checks an NDJSON export offline: every row's hash, the link between consecutive rows, the manifest's
 * counts and head, and the signed checkpoint it carries (with the auditor's copy of the public key).
 */
export async function verifyExportFile(path: string, publicKey: KeyObject | undefined): Promise<ExportVerification> {
  let manifest: ExportManifest | undefined;
  try {
    manifest = await readManifest(path);
  } catch (error) {
    return { ok: false, firstBadSeq: null, reason: `last line is not JSON: ${String(error)}` };
  }
  if (manifest === undefined)
    return {
      ok: false,
      firstBadSeq: null,
      reason: 'no manifest line at the end: the export is truncated or not an NDJSON export',
    };
  // Only an unfiltered export holds the whole log from seq 1, so only it must be contiguous up to the head.
  const complete = Object.keys(manifest.filters).filter((k) => k !== 'untilSeq').length === 0;
  const checkpoint = manifest.checkpoint;
  if (checkpoint !== null && publicKey !== undefined && !isValidCheckpointSignature(checkpoint, publicKey)) {
    return {
      ok: false,
      firstBadSeq: checkpoint.seq,
      reason: `signature of checkpoint ${checkpoint.seq} in the manifest is not valid for the public key`,
    };
  }
  const coverCheckpoint = checkpoint !== null && publicKey !== undefined && complete;

  let rows = 0;
  let firstSeq: number | null = null;
  let lastSeq: number | null = null;
  let lastHash: string | null = null;
  let badLine: string | null = null;
  const events = (async function* () {
    for await (const line of lines(path)) {
      const parsed = JSON.parse(line) as StoredEvent & { manifest?: unknown };
      if (parsed.manifest !== undefined) break;
      rows++;
      firstSeq ??= parsed.seq;
      lastSeq = parsed.seq;
      lastHash = parsed.hash;
      yield parsed;
    }
  })();
  let result;
  try {
    result = await verifyChain(events, { checkpoints: coverCheckpoint ? [checkpoint] : [], publicKey, complete });
  } catch (error) {
    badLine = String(error);
  }
  if (badLine !== null || result === undefined)
    return { ok: false, firstBadSeq: lastSeq === null ? null : lastSeq + 1, reason: `unreadable row: ${badLine}` };
  if (!result.ok) return result;

  const mismatch = (what: string, manifestValue: unknown, actual: unknown) => ({
    ok: false as const,
    firstBadSeq: lastSeq,
    reason: `manifest says ${what} ${JSON.stringify(manifestValue)} but the rows give ${JSON.stringify(actual)}`,
  });
  if (manifest.count !== rows) return mismatch('count', manifest.count, rows);
  if (manifest.firstSeq !== firstSeq) return mismatch('firstSeq', manifest.firstSeq, firstSeq);
  if (manifest.lastSeq !== lastSeq) return mismatch('lastSeq', manifest.lastSeq, lastSeq);
  if (complete && (manifest.headSeq !== (lastSeq ?? 0) || (lastHash !== null && manifest.headHash !== lastHash))) {
    return mismatch('head', { seq: manifest.headSeq, hash: manifest.headHash }, { seq: lastSeq, hash: lastHash });
  }
  const checkpointState =
    checkpoint === null ? 'none' : publicKey === undefined ? 'not checked: no public key' : 'verified';
  return { ok: true, rows, firstSeq, lastSeq, complete, checkpoint: checkpointState };
}
