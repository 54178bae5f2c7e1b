import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/index.js';
import { APP_CONFIG, sha256Hex } from '../shared/index.js';
import type { Principal } from './principal.js';

/**
 * The API tokens, by the SHA-256 of their secret: the bearer guard and console sign-in look secrets up
 * here, so the lookup time does not depend on how much of a guessed secret is right, and a session keeps
 * only the hash of the token it was opened with.
 */
@Injectable()
export class TokenRegistry {
  private readonly bySecretHash: ReadonlyMap<string, Principal>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.bySecretHash = new Map(config.tokens.map((t) => [sha256Hex(t.secret), { name: t.name, role: t.role }]));
  }

  bySecret(secret: string): Principal | undefined {
    return this.bySecretHash.get(sha256Hex(secret));
  }

  byHash(secretHash: string): Principal | undefined {
    return this.bySecretHash.get(secretHash);
  }
}
