import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { DATABASE, POSTGRES_URL, type Database, dialectOf } from '../database/index.js';
import { CommittedEventFeed } from './committed-event-feed.js';
import { EVENTS_CHANNEL } from './postgres/postgres.event-store.js';

export const FOLLOWER_OPTIONS = Symbol('FOLLOWER_OPTIONS');

export interface FollowerOptions {
  /** Fallback poll of the log, in case a notification is lost (reconnects, a proxy that drops them). Default 250 ms. */
  pollMs: number;
  /** Reconnection backoff of the LISTEN connection: doubles from the first to the last. Default 250 ms → 10 s. */
  reconnectMs: readonly [first: number, max: number];
}

const DEFAULTS: FollowerOptions = { pollMs: 250, reconnectMs: [250, 10_000] };

/** SQLite's poll: what it finds is a rare operator's append, and each read is a query on the one connection. */
const SQLITE_POLL_MS = 1000;

/**
 * On PostgreSQL, keeps this instance's in-memory projection and change streams current with what other
 * instances commit: a dedicated connection LISTENs on the channel appends NOTIFY at commit, and each
 * notification (or, as the fallback, a poll every `pollMs`) reads the log from the feed's last delivered
 * seq. The feed delivers exactly once and in seq order, whoever appended, so its own appends (already
 * delivered by the command) cost one empty read. On SQLite the server owns the file, but an operator's
 * CLI (`tokens revoke`, `tokens issue`) may append to it: a slower poll alone picks that up, so a token
 * revoked from the CLI is refused by the running server within a second.
 */
@Injectable()
export class CommittedLogFollower implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CommittedLogFollower.name);
  private readonly options: FollowerOptions;
  private client: pg.Client | undefined;
  private poll: NodeJS.Timeout | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private backoffMs: number;
  private stopped = false;
  private reading = false;
  private wokenWhileReading = false;

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    private readonly feed: CommittedEventFeed,
    @Optional() @Inject(POSTGRES_URL) private readonly url: string | undefined,
    @Optional() @Inject(FOLLOWER_OPTIONS) options: Partial<FollowerOptions> | undefined,
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.backoffMs = this.options.reconnectMs[0];
  }

  /** Whether this instance shares the log with other instances (PostgreSQL), and so LISTENs for their appends. */
  private get listens(): boolean {
    return this.url !== undefined && dialectOf(this.db) === 'postgres';
  }

  async onApplicationBootstrap(): Promise<void> {
    this.poll = setInterval(() => this.wake(), this.listens ? this.options.pollMs : SQLITE_POLL_MS);
    this.poll.unref();
    if (this.listens) await this.listen();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poll);
    clearTimeout(this.reconnect);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** Reads what was committed since the last delivery; wakes while a read runs fold into one more read. */
  wake(): void {
    if (this.stopped || !this.feed.started) return;
    if (this.reading) {
      this.wokenWhileReading = true;
      return;
    }
    this.reading = true;
    this.feed
      .catchUp()
      .catch((error: unknown) =>
        this.logger.warn({ msg: 'reading the committed log failed; the next poll retries', error: String(error) }),
      )
      .finally(() => {
        this.reading = false;
        if (this.wokenWhileReading) {
          this.wokenWhileReading = false;
          this.wake();
        }
      });
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'flagledger-follower' });
    // Errors after connect (server restart, network) end the connection: reconnect. Without a listener, an
    // 'error' event would be unhandled and end the process.
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, undefined));
    client.on('notification', () => this.wake());
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.backoffMs = this.options.reconnectMs[0];
    // Notifications sent while no connection listened are gone: read the log once now.
    this.wake();
  }

  private lost(client: pg.Client, error: unknown): void {
    if (this.stopped || (this.client !== undefined && this.client !== client)) return;
    if (this.client === undefined && this.reconnect !== undefined) return;
    this.client = undefined;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.reconnectMs[1]);
    this.logger.warn({
      msg: 'LISTEN connection lost; polling until it is back',
      retryInMs: delay,
      ...(error === undefined ? {} : { error: String(error) }),
    });
    this.reconnect = setTimeout(() => {
      this.reconnect = undefined;
      void this.listen();
    }, delay);
    this.reconnect.unref();
  }
}
