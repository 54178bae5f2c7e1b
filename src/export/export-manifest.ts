import type { ChainHead, StoredEvent } from '../event-store/index.js';
import type { TimelineFilter } from '../history/index.js';

/** The newest signed checkpoint at or below the exported head, as the integrity slice stored it. */
export interface ManifestCheckpoint {
  seq: number;
  hash: string;
  at: string;
  signature: string;
  keyId: string;
}

/** The filters as query parameters, normalised (type and environment always lists, times ISO UTC); absent ones omitted. */
export interface ManifestFilters {
  flag?: string;
  actor?: string;
  type?: readonly string[];
  from?: string;
  to?: string;
  /** The change request whose apply's flag events the rows are (docs/contract.md §10). */
  changeRequest?: string;
  /** The environment view's `environment=` as asked: environment keys, or ['*'] (every row, labelled). */
  environment?: readonly string[];
}

/**
 * Whether the rows are the whole log up to the head: no filter narrowed them. `environment=*` only labels
 * the rows, so it leaves an export complete; any other filter, or one this code does not know, does not.
 */
export function isCompleteExport(filters: ManifestFilters): boolean {
  return Object.entries(filters).every(
    ([name, value]) => name === 'environment' && Array.isArray(value) && value.length === 1 && value[0] === '*',
  );
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
  /**
   * Only in an export of the environment view (`filters.environment`): the environment that events
   * naming none were read as, so a verifier can derive each row's `environment` from its hashed data.
   */
  defaultEnvironment?: string;
}

/** The environment view an export was asked for: what `environment=` said, and the default environment then. */
export interface ManifestEnvironments {
  asked: readonly string[];
  defaultKey: string;
}

/** Counts the rows as they stream past; holds three numbers, never the rows. */
export class ExportManifestBuilder {
  private count = 0;
  private firstSeq: number | null = null;
  private lastSeq: number | null = null;

  constructor(
    private readonly head: ChainHead,
    private readonly filter: TimelineFilter,
    /** The environment view, when the export was asked for one. */
    private readonly environments: ManifestEnvironments | undefined,
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
      filters: manifestFilters(this.filter, this.environments?.asked),
      generatedAt: this.generatedAt,
      checkpoint: this.checkpoint,
      ...(this.environments !== undefined ? { defaultEnvironment: this.environments.defaultKey } : {}),
    };
  }
}

function manifestFilters(filter: TimelineFilter, environments: readonly string[] | undefined): ManifestFilters {
  return {
    ...(filter.streamId !== undefined ? { flag: filter.streamId } : {}),
    ...(filter.actor !== undefined ? { actor: filter.actor } : {}),
    ...(filter.types !== undefined && filter.types.length > 0 ? { type: filter.types } : {}),
    ...(filter.from !== undefined ? { from: filter.from } : {}),
    ...(filter.to !== undefined ? { to: filter.to } : {}),
    ...(filter.changeRequest !== undefined ? { changeRequest: filter.changeRequest } : {}),
    ...(environments !== undefined ? { environment: environments } : {}),
  };
}
