import { Inject, Module, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { type AppConfig } from '../config/index.js';
import { IntegrityModule, SIGNING_KEY, type SigningKey } from '../integrity/index.js';
import { APP_CONFIG, CLOCK, type Clock } from '../shared/index.js';
import { DECISION_LOG, DecisionLog } from './decision-log.js';
import { userHashKey } from './user-hash-key.js';

/** The opt-in decision log; DECISION_LOG is null when FLAGLEDGER_DECISION_LOG is unset. */
@Module({
  imports: [IntegrityModule],
  providers: [
    {
      provide: DECISION_LOG,
      inject: [APP_CONFIG, CLOCK, SIGNING_KEY],
      useFactory: (config: AppConfig, clock: Clock, signingKey: SigningKey) =>
        config.decisionLog === null
          ? null
          : new DecisionLog(
              config.decisionLog,
              userHashKey(config.decisionLog.hashKey, signingKey.privateKey),
              Math.random,
              () => clock.now(),
            ),
    },
  ],
  exports: [DECISION_LOG],
})
export class DecisionLogModule implements OnApplicationShutdown {
  constructor(@Optional() @Inject(DECISION_LOG) private readonly log: DecisionLog | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.log?.close();
  }
}
