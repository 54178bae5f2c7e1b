import { dirname } from 'node:path';
import { Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigError, type AppConfig } from '../config/index.js';
import { EventStoreModule } from '../event-store/index.js';
import { APP_CONFIG } from '../shared/index.js';
import { IntegrityController } from './integrity.controller.js';
import { PeriodicCheckpointProjection } from './periodic-checkpoint.projection.js';
import { SignedCheckpoints } from './signed-checkpoints.js';
import { loadOrCreateSigningKey, SIGNING_KEY, type SigningKey } from './signing-key.js';

/** Signed checkpoints over the hash chain, and verification of both. */
@Module({
  imports: [EventStoreModule],
  controllers: [IntegrityController],
  providers: [
    {
      provide: SIGNING_KEY,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        if (config.database.kind === 'sqlite')
          return loadOrCreateSigningKey(config.signingKey, dirname(config.database.path));
        // loadConfig refuses this already; a config built another way (the CLI's --db) must not get past it.
        if (config.signingKey === null)
          throw new ConfigError(
            'FLAGLEDGER_SIGNING_KEY',
            'is required on PostgreSQL: every instance must sign with the same key',
          );
        return loadOrCreateSigningKey(config.signingKey, null);
      },
    },
    SignedCheckpoints,
    PeriodicCheckpointProjection,
  ],
  exports: [SIGNING_KEY, SignedCheckpoints],
})
export class IntegrityModule implements OnApplicationBootstrap {
  constructor(@Inject(SIGNING_KEY) private readonly key: SigningKey) {}

  onApplicationBootstrap(): void {
    // The public half is printed at every start so operators can hand it to auditors out of band.
    new Logger('Integrity').log({
      msg: 'checkpoint signing key',
      keyId: this.key.keyId,
      source: this.key.source,
      publicKeyPem: this.key.publicKeyPem,
    });
  }
}
