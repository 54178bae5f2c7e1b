import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../config/index.js';
import { CommittedEventFeed, EVENT_STORE, type EventStore, type StoredEvent } from '../event-store/index.js';
import { APP_CONFIG, type EnvironmentCatalog } from '../shared/index.js';
import { evolveEnvironment } from './environment.decider.js';
import { EnvironmentNotFoundError } from './environment.errors.js';
import { ENVIRONMENT_EVENT_TYPES, isEnvironmentEventType, type EnvironmentEvent } from './environment.events.js';
import { defaultEnvironment, environmentKeyOf, type Environment } from './environment.js';

/**
 * The environments, in memory: read from their events once at start (they are few), then kept current
 * from the committed-event feed, so a route's check that an environment exists costs no database read.
 */
@Injectable()
export class EnvironmentDirectory implements OnApplicationBootstrap, EnvironmentCatalog {
  readonly defaultKey: string;
  private environments: Map<string, Environment>;
  private seq = 0;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly feed: CommittedEventFeed,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.defaultKey = config.defaultEnvironment;
    this.environments = this.initial();
    feed.subscribe((events) => this.apply(events));
  }

  async onApplicationBootstrap(): Promise<void> {
    // Inside the feed's queue: no delivery interleaves with the read, and what it delivers later is newer.
    await this.feed.exclusive(() => this.load());
  }

  has(key: string): boolean {
    return this.environments.has(key);
  }

  get(key: string): Environment | undefined {
    return this.environments.get(key);
  }

  /**
   * The environment, or ENVIRONMENT_NOT_FOUND (404): what every environment route checks first. `field`
   * names the query or body field the key came from, for the problem's `errors`.
   */
  require(key: string, field?: string): Environment {
    const environment = this.environments.get(key);
    if (environment === undefined) throw new EnvironmentNotFoundError(key, field);
    return environment;
  }

  /** Every environment, the default first, then by key. */
  all(): Environment[] {
    return [...this.environments.values()].sort((a, b) =>
      a.key === this.defaultKey ? -1 : b.key === this.defaultKey ? 1 : a.key < b.key ? -1 : 1,
    );
  }

  private initial(): Map<string, Environment> {
    return new Map([[this.defaultKey, defaultEnvironment(this.defaultKey)]]);
  }

  private async load(): Promise<void> {
    const loaded = this.initial();
    let seq = 0;
    for await (const event of this.store.iterate({ types: ENVIRONMENT_EVENT_TYPES })) {
      applyTo(loaded, event);
      seq = event.seq;
    }
    this.environments = loaded;
    this.seq = Math.max(this.seq, seq);
  }

  private apply(events: readonly StoredEvent[]): void {
    for (const event of events) {
      if (event.seq <= this.seq || !isEnvironmentEventType(event.type)) continue;
      applyTo(this.environments, event);
      this.seq = event.seq;
    }
  }
}

function applyTo(environments: Map<string, Environment>, event: StoredEvent): void {
  const key = environmentKeyOf(event.streamId);
  const next = evolveEnvironment(
    environments.get(key),
    { type: event.type, data: event.data } as EnvironmentEvent,
    event,
  );
  environments.set(key, next);
}
