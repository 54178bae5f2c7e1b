import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { AppendResult } from './event-store.js';
import type { AppendOutcome, AppendRequest } from './kysely-event-log.js';

/** At most this many appends share one transaction: bounds the time one commit holds the writer. */
const MAX_GROUP = 256;

interface PendingAppend extends AppendRequest {
  resolve: (result: AppendResult) => void;
  reject: (reason: unknown) => void;
}

/**
 * Runs one transaction for a group of appends and returns an outcome per append, in order. It calls
 * `take` once it holds whatever serializes appends (SQLite's connection, PostgreSQL's advisory lock), so
 * appends that arrived while it waited join the group.
 */
export type CommitGroup = (take: () => readonly AppendRequest[]) => Promise<AppendOutcome[]>;

/**
 * Group commit: appends that arrive while a group is committing wait and then commit together, so one
 * transaction and one fsync acknowledge many commands. Each append is still checked on its own (version,
 * idempotency) against the log as the earlier appends of its group left it, and every caller hears its
 * outcome only after the group's commit. A group broken by something other than a refusal is retried
 * one append at a time, so only the append that causes it fails.
 */
export class GroupCommit {
  private readonly pending: PendingAppend[] = [];
  private committing = false;

  /**
   * `failsEveryone`: errors that no append caused (the storage is full or gone), for which the
   * one-at-a-time retry would only make each waiting append wait out its own failure: the group and
   * every append waiting behind it are refused with it at once.
   */
  constructor(
    private readonly commitGroup: CommitGroup,
    private readonly failsEveryone: (error: unknown) => boolean = () => false,
  ) {}

  submit(request: AppendRequest): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ ...request, resolve, reject });
      if (this.committing) return;
      this.committing = true;
      void this.commitPending();
    });
  }

  private async commitPending(): Promise<void> {
    try {
      do {
        // A command can run from request to append without yielding (SQLite's driver is synchronous).
        // One turn of the event loop lets every request that has already arrived reach its append and
        // join this group, instead of each waiting for its own fsync.
        await yieldToEventLoop();
        await this.commit();
      } while (this.pending.length > 0);
    } finally {
      this.committing = false;
    }
  }

  private async commit(only?: PendingAppend): Promise<void> {
    let group: PendingAppend[] = [];
    let outcomes: AppendOutcome[];
    try {
      outcomes = await this.commitGroup(
        () => (group = only !== undefined ? [only] : this.pending.splice(0, MAX_GROUP)),
      );
    } catch (error) {
      if (this.failsEveryone(error)) {
        for (const append of [...group, ...this.pending.splice(0)]) append.reject(error);
        return;
      }
      if (group.length === 1) return group[0]!.reject(error);
      for (const append of group) await this.commit(append);
      return;
    }
    group.forEach((append, i) => {
      const { result, refusal } = outcomes[i]!;
      if (result !== undefined) append.resolve(result);
      else append.reject(refusal);
    });
  }
}
