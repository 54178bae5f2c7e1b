import type { KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { StoredEvent } from '../event-store/index.js';
import { isCompleteExport, type ExportManifest } from '../export/index.js';
import { environmentOfEvent } from '../flags/index.js';
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
  // Rows of the environment view carry `environment` beside the envelope; the hashes read only the envelope.
  const complete = isCompleteExport(manifest.filters);
  const checkpoint = manifest.checkpoint;
  if (checkpoint !== null && publicKey !== undefined && !isValidCheckpointSignature(checkpoint, publicKey)) {
    return {
      ok: false,
      firstBadSeq: checkpoint.seq,
      reason: `signature of checkpoint ${checkpoint.seq} in the manifest is not valid for the public key`,
    };
  }
  const coverCheckpoint = checkpoint !== null && publicKey !== undefined && complete;

  const labelProblem = environmentLabelCheck(manifest);
  let rows = 0;
  let firstSeq: number | null = null;
  let lastSeq: number | null = null;
  let lastHash: string | null = null;
  let badLine: string | null = null;
  const label: { bad?: { ok: false; firstBadSeq: number; reason: string } } = {};
  const events = (async function* () {
    for await (const line of lines(path)) {
      const parsed = JSON.parse(line) as StoredEvent & { manifest?: unknown; environment?: unknown };
      if (parsed.manifest !== undefined) break;
      const problem = labelProblem?.(parsed);
      // Stopping here leaves the chain verified up to the row before, like a bad hash would.
      if (problem !== undefined) {
        label.bad = { ok: false, firstBadSeq: parsed.seq, reason: problem };
        return;
      }
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
  // A label stops the rows early: a complete export then also looks truncated there, which the label explains.
  if (label.bad !== undefined && (result.ok || result.firstBadSeq >= label.bad.firstBadSeq)) return label.bad;
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

/**
 * In an export of the environment view every row carries `environment`, outside the hashed envelope. It
 * is derived from what is hashed (the event's type and data, and the manifest's default environment for
 * events that name none), so it is checked by deriving it again; a row must also belong to the
 * environments exported. Undefined for a v1 export, whose rows carry no label.
 */
function environmentLabelCheck(
  manifest: ExportManifest,
): ((row: StoredEvent & { environment?: unknown }) => string | undefined) | undefined {
  const asked = manifest.filters.environment;
  if (asked === undefined) return undefined;
  const { defaultEnvironment } = manifest;
  const every = asked.length === 1 && asked[0] === '*';
  return (row) => {
    if (defaultEnvironment === undefined)
      return 'the manifest has an environment filter but no defaultEnvironment to read unlabelled events by';
    const expected = environmentOfEvent(row.type, row.data, defaultEnvironment);
    if (row.environment !== expected)
      return `seq ${row.seq} says environment ${JSON.stringify(row.environment)} but its data says ${JSON.stringify(expected)}`;
    if (!every && (expected === null || !asked.includes(expected)))
      return `seq ${row.seq} acts in ${JSON.stringify(expected)}, not in the exported environments ${asked.join(', ')}`;
    return undefined;
  };
}
