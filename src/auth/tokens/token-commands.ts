import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/index.js';
import { CommittedEventFeed, EVENT_STORE, type EventStore, type StoredEvent } from '../../event-store/index.js';
import {
  APP_CONFIG,
  CLOCK,
  ENVIRONMENT_CATALOG,
  KeyedSerialQueue,
  sha256Hex,
  type Clock,
  type EnvironmentCatalog,
} from '../../shared/index.js';
import type { Principal } from '../principal.js';
import { ISSUED_TOKEN_ID_PREFIX, recordedActor } from '../recorded-actor.js';
import { isLive, type IssuedToken } from './issued-token.js';
import { TokenDirectory } from './token-directory.js';
import { decideToken, type TokenCommand } from './token.decider.js';
import { TOKEN_EVENT_SCHEMA_VERSION, tokenStreamId } from './token.events.js';
import type { IssueTokenRequest } from './token.requests.dto.js';

/** `flg_` + 43 base64url characters (256 bits): a prefix secret scanners can match (docs/contract.md §9). */
export function newSecret(): string {
  return `flg_${randomBytes(32).toString('base64url')}`;
}

export interface TokenCommandOutcome {
  token: IssuedToken;
  event: StoredEvent | null;
}

/**
 * Decides on the directory's state and appends. Commands take turns in one queue: a name must be free
 * among every live token when it is issued. (Two instances issuing one name at the same instant can
 * both succeed; the stream is per token, so the log does not refuse it.)
 */
@Injectable()
export class TokenCommands {
  private readonly queue = new KeyedSerialQueue();
  private readonly configNames: ReadonlySet<string>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly feed: CommittedEventFeed,
    private readonly directory: TokenDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(ENVIRONMENT_CATALOG) private readonly environments: EnvironmentCatalog,
  ) {
    this.configNames = new Set(config.tokens.map((t) => t.name));
  }

  /** A new token from a validated request (POST /v1/tokens, or the CLI's); the secret is returned this once. */
  async issue(request: IssueTokenRequest, actor: Principal): Promise<TokenCommandOutcome & { secret: string }> {
    const secret = newSecret();
    const id = `${ISSUED_TOKEN_ID_PREFIX}${randomBytes(9).toString('base64url')}`;
    // null is "does not expire", as leaving it out is (new Date(null) would be 1970: expired at once).
    const expiresAt = request.expiresAt == null ? null : new Date(request.expiresAt).toISOString();
    const outcome = await this.run(
      {
        kind: 'issue',
        id,
        name: request.name,
        role: request.role,
        environments: request.environments ?? null,
        secretHash: sha256Hex(secret),
        expiresAt,
      },
      actor,
      request.reason ?? null,
    );
    return { ...outcome, secret };
  }

  /** A new secret for the token; the old one works `graceSeconds` more. */
  async rotate(
    id: string,
    graceSeconds: number,
    actor: Principal,
    reason: string | null,
  ): Promise<TokenCommandOutcome & { secret: string }> {
    const secret = newSecret();
    const outcome = await this.run({ kind: 'rotate', id, secretHash: sha256Hex(secret), graceSeconds }, actor, reason);
    return { ...outcome, secret };
  }

  revoke(id: string, actor: Principal, reason: string | null): Promise<TokenCommandOutcome> {
    return this.run({ kind: 'revoke', id }, actor, reason);
  }

  private run(command: TokenCommand, actor: Principal, reason: string | null): Promise<TokenCommandOutcome> {
    return this.queue.run('tokens', async () => {
      const now = this.clock.now();
      const current = this.directory.get(command.id);
      const liveNames = new Set([
        ...this.configNames,
        ...this.directory
          .all()
          .filter((t) => isLive(t, now))
          .map((t) => t.name),
      ]);
      const events = decideToken(command, current, { liveNames, environments: this.environments, now });
      if (events.length === 0) return { token: current!, event: null };
      const result = await this.store.append(
        tokenStreamId(command.id),
        current?.version ?? 0,
        events.map((e) => ({ type: e.type, schemaVersion: TOKEN_EVENT_SCHEMA_VERSION, data: e.data })),
        { ...recordedActor(actor), reason },
      );
      if (result.kind !== 'appended') throw new Error('a token command without Idempotency-Key was replayed');
      await this.feed.deliver(result.events);
      return { token: this.directory.get(command.id)!, event: result.events[result.events.length - 1]! };
    });
  }
}
