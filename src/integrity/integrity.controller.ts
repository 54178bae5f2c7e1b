import { Controller, Get, HttpCode, Inject, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ActsIn, RequireRole } from '../auth/index.js';
import { EVENT_STORE, type EventStore } from '../event-store/index.js';
import { DomainError } from '../shared/index.js';
import { verifyChain, type VerifyResult } from './chain-verifier.js';
import type { SignedCheckpoint } from './checkpoint-signature.js';
import { SignedCheckpoints } from './signed-checkpoints.js';
import { SIGNING_KEY, type SigningKey } from './signing-key.js';

@Controller()
export class IntegrityController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
    private readonly checkpoints: SignedCheckpoints,
  ) {}

  /** Recomputes the whole chain and checks every signed checkpoint against it. */
  @Get('v1/audit/verify')
  @ActsIn.noEnvironment()
  @RequireRole('viewer')
  async verify(): Promise<VerifyResult> {
    return verifyChain(this.store.iterate({}), {
      checkpoints: await this.checkpoints.all(),
      publicKey: this.key.publicKey,
      complete: true,
    });
  }

  /** What an auditor needs to check checkpoints (and so exports) without trusting this server later. */
  @Get('v1/audit/public-key')
  @ActsIn.noEnvironment()
  @RequireRole('viewer')
  publicKey(): { algorithm: 'Ed25519'; keyId: string; publicKeyPem: string } {
    return { algorithm: 'Ed25519', keyId: this.key.keyId, publicKeyPem: this.key.publicKeyPem };
  }

  /**
   * The newest signed checkpoint: what the console shows beside the verification, since the verify answer
   * counts checkpoints without naming them. `{checkpoint: null}` before the first one is signed.
   */
  @Get('v1/audit/checkpoints/latest')
  @ActsIn.noEnvironment()
  @RequireRole('viewer')
  async newestCheckpoint(): Promise<{ checkpoint: SignedCheckpoint | null }> {
    return { checkpoint: await this.checkpoints.newest() };
  }

  /** Signs the current head now (201), or returns the checkpoint that already covers it (200). */
  @Post('v1/admin/checkpoints')
  @ActsIn.noEnvironment()
  @HttpCode(201)
  @RequireRole('admin')
  async signHead(@Res({ passthrough: true }) res: Response): Promise<SignedCheckpoint> {
    const head = await this.store.head();
    if (head.seq === 0 || head.at === null) throw new DomainError('EMPTY_LOG', 'the log has no events to sign yet');
    const { checkpoint, created } = await this.checkpoints.sign({ seq: head.seq, hash: head.hash, at: head.at });
    if (!created) res.status(200);
    return checkpoint;
  }
}
