import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { AppConfig } from '../../config/index.js';
import { DATABASE, type Database } from '../../database/index.js';
import { APP_CONFIG, CLOCK, sha256Hex, type Clock } from '../../shared/index.js';
import type { Principal } from '../principal.js';
import { TokenRegistry } from '../token-registry.js';

/** A session as the console sees it; `id` only when it was just opened (it goes into the cookie). */
export interface ConsoleSession {
  principal: Principal;
  csrf: string;
  expiresAt: string;
}

/**
 * Console sessions (docs/contract.md §8): a token traded for a random cookie value, kept in the database
 * (so every instance behind a load balancer knows it) as a hash, with a fixed lifetime. Not events: a
 * session changes no flag, and the token behind each write is what the log records.
 */
@Injectable()
export class ConsoleSessions {
  private readonly ttlMs: number;
  /** How long a session lasts, for the cookie's Max-Age. */
  readonly ttlSeconds: number;

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly tokens: TokenRegistry,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttlMs = config.sessionTtlMinutes * 60_000;
    this.ttlSeconds = config.sessionTtlMinutes * 60;
  }

  /** Opens a session for the token's holder; undefined for a token that is not one. */
  async open(secret: string): Promise<(ConsoleSession & { id: string }) | undefined> {
    const principal = this.tokens.bySecret(secret);
    if (principal === undefined) return undefined;
    const now = this.clock.now();
    const id = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.ttlMs).toISOString();
    // Expired sessions go when a new one is opened: the table holds at most the sessions of one lifetime.
    await this.db.deleteFrom('console_sessions').where('expires_at', '<=', now.toISOString()).execute();
    await this.db
      .insertInto('console_sessions')
      .values({
        id_hash: sha256Hex(id),
        token_hash: sha256Hex(secret),
        csrf,
        created_at: now.toISOString(),
        expires_at: expiresAt,
      })
      .execute();
    return { id, principal, csrf, expiresAt };
  }

  /** The live session behind a cookie value; undefined when unknown, expired, or its token is gone. */
  async find(id: string): Promise<ConsoleSession | undefined> {
    const row = await this.db
      .selectFrom('console_sessions')
      .selectAll()
      .where('id_hash', '=', sha256Hex(id))
      .executeTakeFirst();
    if (row === undefined || row.expires_at <= this.clock.now().toISOString()) return undefined;
    const principal = this.tokens.byHash(row.token_hash);
    return principal === undefined ? undefined : { principal, csrf: row.csrf, expiresAt: row.expires_at };
  }

  async close(id: string): Promise<void> {
    await this.db.deleteFrom('console_sessions').where('id_hash', '=', sha256Hex(id)).execute();
  }
}

/** Compares a sent CSRF value with the session's in constant time. */
export function csrfMatches(sent: string | undefined, expected: string): boolean {
  if (sent === undefined) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
