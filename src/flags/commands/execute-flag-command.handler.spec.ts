import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { ManualClock } from '../../../test/support/clock.js';
import { tempDir } from '../../../test/support/temp-dir.js';
import { loadConfig } from '../../config/index.js';
import { type Database, openSqliteDatabase } from '../../database/index.js';
import { EnvironmentDirectory } from '../../environments/index.js';
import { CommittedEventFeed, createEventStore, ProjectionRegistry, StoreHealth } from '../../event-store/index.js';
import { FlagStateReader } from '../flag-state-reader.js';
import { flagStateIn, type FlagRecord, type FlagState } from '../flag-state.js';
import type { FlagCommand } from '../flag.commands.js';
import { readCurrentFlagRecord } from '../projections/current-flag-state.js';
import { FlagStateTableProjection } from '../projections/flag-state-table.projection.js';
import { ExecuteFlagCommand, type CommandMetadata } from './execute-flag-command.command.js';
import { ExecuteFlagCommandHandler } from './execute-flag-command.handler.js';
import { FlagCommandOutcomes } from './flag-command-outcomes.js';

/** An in-memory projection frozen at whatever state the test sets: one that trails the log. */
class TrailingReader extends FlagStateReader {
  readonly defaultEnvironment = 'production';
  states = new Map<string, FlagRecord>();
  get(key: string): FlagState | undefined {
    const record = this.states.get(key);
    return record && flagStateIn(record, this.defaultEnvironment);
  }
  *all(): IterableIterator<FlagState> {
    for (const key of this.states.keys()) yield this.get(key)!;
  }
  record(key: string): FlagRecord | undefined {
    return this.states.get(key);
  }
  records(): IterableIterator<FlagRecord> {
    return this.states.values();
  }
  get appliedSeq(): number {
    return 0;
  }
  subscribe(): () => void {
    return () => {};
  }
}

const actor = { name: 'alice', role: 'editor' as const, tokenId: 'config:alice', environments: null };

describe('ExecuteFlagCommandHandler with an in-memory projection that trails the log', () => {
  let handler: ExecuteFlagCommandHandler;
  let reader: TrailingReader;
  let db: Kysely<Database>;
  let close: () => Promise<void>;

  const run = (command: FlagCommand, metadata: Partial<CommandMetadata> = {}) =>
    handler.execute(new ExecuteFlagCommand('checkout', command, { actor, reason: null, ...metadata }));

  beforeEach(async () => {
    const { dir, cleanup } = tempDir();
    const path = join(dir, 'handler.db');
    ({ db } = await openSqliteDatabase(path, 'full'));
    const registry = new ProjectionRegistry();
    new FlagStateTableProjection(registry, loadConfig({}));
    const clock = new ManualClock();
    const health = new StoreHealth(clock, async () => undefined);
    const store = createEventStore(
      db,
      registry,
      clock,
      health,
      5_000,
      () => new BetterSqlite3(path, { readonly: true }),
    );
    reader = new TrailingReader();
    const feed = new CommittedEventFeed(store);
    const config = loadConfig({});
    handler = new ExecuteFlagCommandHandler(
      store,
      db,
      new ManualClock(),
      feed,
      reader,
      config,
      new FlagCommandOutcomes(),
      new EnvironmentDirectory(store, feed, config),
    );
    await run({ kind: 'create', input: { key: 'checkout', type: 'operational', owner: 'team' } });
    close = async () => {
      await db.destroy();
      cleanup();
    };
  });
  afterEach(() => close());

  it('does not answer 404 when memory has not seen the flag yet but the log has', async () => {
    expect(reader.get('checkout')).toBeUndefined();
    const outcome = await run({ kind: 'enable' });
    expect(outcome.response.status).toBe(200);
    expect(flagStateIn((await readCurrentFlagRecord(db, 'checkout', 'production'))!, 'production')).toMatchObject({
      enabled: true,
      version: 2,
    });
  });

  it('does not answer 412 when memory is a version behind but If-Match names the version in the log', async () => {
    reader.states.set('checkout', (await readCurrentFlagRecord(db, 'checkout', 'production'))!); // version 1
    await run({ kind: 'enable' }); // log at version 2; memory still says 1
    const outcome = await run({ kind: 'disable' }, { expectedVersion: 2 });
    expect(outcome.response.status).toBe(200);
    expect(flagStateIn((await readCurrentFlagRecord(db, 'checkout', 'production'))!, 'production')).toMatchObject({
      enabled: false,
      version: 3,
    });
  });

  it('retries a decision made on stale memory against the log instead of losing or misreporting it', async () => {
    const v1 = (await readCurrentFlagRecord(db, 'checkout', 'production'))!;
    reader.states.set('checkout', v1);
    await run({ kind: 'changeRollout', percentage: 30 }); // log at version 2, memory at 1
    const outcome = await run({ kind: 'changeRollout', percentage: 60 });
    expect((outcome.response.body as { event: { version: number } }).event.version).toBe(3);
    expect(flagStateIn((await readCurrentFlagRecord(db, 'checkout', 'production'))!, 'production')).toMatchObject({
      rolloutPercentage: 60,
      version: 3,
    });
  });

  it('still refuses what the log refuses: an unknown flag is 404, a stale If-Match is 412', async () => {
    await expect(
      handler.execute(new ExecuteFlagCommand('nope', { kind: 'enable' }, { actor, reason: null })),
    ).rejects.toMatchObject({ code: 'FLAG_NOT_FOUND' });
    await expect(run({ kind: 'enable' }, { expectedVersion: 7 })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
  });
});
