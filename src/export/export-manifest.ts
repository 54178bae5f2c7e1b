import type { EventFilter, ChainHead, StoredEvent } from '../event-store/index.js';

/** The newest signed checkpoint at or below the exported head, as the integrity slice stored it. */
export interface ManifestCheckpoint {
  seq: number;
  hash: string;
  at: string;
  signature: string;
  keyId: string;
}

/** The filters as query parameters, normalised (type always a list, times ISO UTC); absent ones omitted. */
export interface ManifestFilters {
  flag?: string;
  actor?: string;
  type?: readonly string[];
  from?: string;
  to?: string;
}

/**
 * What the exported rows add up to. `headSeq`/`headHash` are the whole log's chain head when the export
 * started; every row has seq <= headSeq, so an unfiltered export ends with lastSeq = headSeq and a last
 * hash = headHash, and a verifier can check it against `checkpoint`'s signature.
 */
export interface ExportManifest {
  count: number;
  firstSeq: number | null;
  lastSeq: number | null;
  headSeq: number;
  headHash: string;
  filters: ManifestFilters;
  generatedAt: string;
  checkpoint: ManifestCheckpoint | null;
}

/** Counts the rows as they stream past; holds three numbers, never the rows. */
export class ExportManifestBuilder {
  private count = 0;
  private firstSeq: number | null = null;
  private lastSeq: number | null = null;

  constructor(
    private readonly head: ChainHead,
    private readonly filter: EventFilter,
    private readonly generatedAt: string,
    private readonly checkpoint: ManifestCheckpoint | null,
  ) {}

  add(event: StoredEvent): void {
    this.count++;
    this.firstSeq ??= event.seq;
    this.lastSeq = event.seq;
  }

  build(): ExportManifest {
    return {
      count: this.count,
      firstSeq: this.firstSeq,
      lastSeq: this.lastSeq,
      headSeq: this.head.seq,
      headHash: this.head.hash,
      filters: manifestFilters(this.filter),
      generatedAt: this.generatedAt,
      checkpoint: this.checkpoint,
    };
  }
}

function manifestFilters(filter: EventFilter): ManifestFilters {
  return {
    ...(filter.streamId !== undefined ? { flag: filter.streamId } : {}),
    ...(filter.actor !== undefined ? { actor: filter.actor } : {}),
    ...(filter.types !== undefined && filter.types.length > 0 ? { type: filter.types } : {}),
    ...(filter.from !== undefined ? { from: filter.from } : {}),
    ...(filter.to !== undefined ? { to: filter.to } : {}),
  };
}
