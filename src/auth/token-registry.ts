import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { ApiToken, AppConfig } from '../config/index.js';
import { APP_CONFIG, CLOCK, sha256Hex, type Clock } from '../shared/index.js';
import type { Principal } from './principal.js';
import { acceptsSecret, isLive } from './tokens/issued-token.js';
import { TokenDirectory } from './tokens/token-directory.js';

/**
 * Every token that authenticates, by the SHA-256 of its secret: the bootstrap ones of FLAGLEDGER_TOKENS
 * and those issued through the API (live: not revoked, not expired). The bearer guard and console
 * sign-in look secrets up here, so the lookup time does not depend on how much of a guessed secret is
 * right, no database is read on the way, and a session keeps only the hash of the token it was opened
 * with (so revoking the token ends its sessions).
 */
@Injectable()
export class TokenRegistry implements OnApplicationBootstrap {
  private configured: ReadonlyMap<string, Principal>;
  private bootstrapTokens: readonly ApiToken[];
  private readonly generated: ApiToken | null;
  private generatedInUse: boolean;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly issued: TokenDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.generated = config.generatedToken;
    this.generatedInUse = this.generated !== null;
    this.bootstrapTokens = config.tokens;
    this.configured = principalsOf(config.tokens);
  }

  /**
   * With FLAGLEDGER_TOKENS unset, a start generates an admin token so that a fresh install is usable;
   * once the log holds a live admin token of its own, that one is the way in, and a start mints no
   * credential nobody asked for (and prints none into the logs).
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.issued.loaded();
    const now = this.clock.now();
    if (this.generated === null || !this.issued.all().some((t) => t.role === 'admin' && isLive(t, now))) return;
    this.generatedInUse = false;
    this.bootstrapTokens = this.bootstrapTokens.filter((t) => t !== this.generated);
    this.configured = principalsOf(this.bootstrapTokens);
  }

  /** The generated admin token of this run, while it is in use (main prints it once). */
  get generatedToken(): ApiToken | null {
    return this.generatedInUse ? this.generated : null;
  }

  /** The FLAGLEDGER_TOKENS ones, or the generated admin token while it is in use. */
  get configuredTokens(): readonly ApiToken[] {
    return this.bootstrapTokens;
  }

  bySecret(secret: string): Principal | undefined {
    return this.byHash(sha256Hex(secret));
  }

  byHash(secretHash: string): Principal | undefined {
    const configured = this.configured.get(secretHash);
    if (configured !== undefined) return configured;
    const token = this.issued.bySecret(secretHash);
    if (token === undefined || !acceptsSecret(token, secretHash, this.clock.now())) return undefined;
    return { name: token.name, role: token.role, tokenId: token.id, environments: token.environments };
  }
}

function principalsOf(tokens: readonly ApiToken[]): ReadonlyMap<string, Principal> {
  return new Map(
    tokens.map((t) => [
      sha256Hex(t.secret),
      { name: t.name, role: t.role, tokenId: `config:${t.name}`, environments: null },
    ]),
  );
}
