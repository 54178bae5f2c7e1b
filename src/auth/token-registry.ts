import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/index.js';
import { APP_CONFIG, CLOCK, sha256Hex, type Clock } from '../shared/index.js';
import type { Principal } from './principal.js';
import { acceptsSecret } from './tokens/issued-token.js';
import { TokenDirectory } from './tokens/token-directory.js';

/**
 * Every token that authenticates, by the SHA-256 of its secret: the bootstrap ones of FLAGLEDGER_TOKENS
 * and those issued through the API (live: not revoked, not expired). The bearer guard and console
 * sign-in look secrets up here, so the lookup time does not depend on how much of a guessed secret is
 * right, no database is read on the way, and a session keeps only the hash of the token it was opened
 * with (so revoking the token ends its sessions).
 */
@Injectable()
export class TokenRegistry {
  private readonly configured: ReadonlyMap<string, Principal>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly issued: TokenDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.configured = new Map(
      config.tokens.map((t) => [
        sha256Hex(t.secret),
        { name: t.name, role: t.role, tokenId: `config:${t.name}`, environments: null },
      ]),
    );
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
