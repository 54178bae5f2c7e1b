import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { Logger } from '@nestjs/common';
import { TokenRegistry } from './auth/index.js';
import { describeDatabase, loadConfig } from './config/index.js';
import { createApp } from './create-app.js';
import { createAppLogger, createUnredactedLogger, NestPinoLogger } from './shared/index.js';

// Until the configuration (LOG_LEVEL, the secrets to mask) is read, a start failure is logged at info.
let appLogger = createAppLogger({ level: 'info' });

async function main(): Promise<void> {
  const config = loadConfig();
  appLogger = createAppLogger({
    level: config.logLevel,
    secrets: [
      ...config.tokens.map((t) => t.secret),
      ...(config.metricsToken === null ? [] : [config.metricsToken]),
      ...(config.decisionLog?.hashKey === undefined ? [] : [config.decisionLog.hashKey]),
    ],
  });
  // dist/console, beside this file once built (npm run build).
  const consoleDir = fileURLToPath(new URL('./console/', import.meta.url));
  const app = await createApp({ config, logger: new NestPinoLogger(appLogger), consoleDir });
  await app.listen(config.port);
  const registry = app.get(TokenRegistry);
  const log = new Logger('Flagledger');
  log.log({
    msg: 'started',
    port: config.port,
    db: describeDatabase(config.database),
    ...(config.database.kind === 'sqlite' ? { sync: config.database.sync } : {}),
    tokens: registry.configuredTokens.map((t) => `${t.name}:${t.role}`),
  });
  const generated = registry.generatedToken;
  if (generated !== null) {
    // Printed once, so a first run on a fresh machine is usable; set FLAGLEDGER_TOKENS to choose your own.
    // Every other logger masks this secret, so the one line meant to show it has its own.
    createUnredactedLogger().warn({
      context: 'Flagledger',
      msg: 'FLAGLEDGER_TOKENS is not set: generated an admin token for this run',
      name: generated.name,
      token: generated.secret,
    });
  }
}

main().catch((error: unknown) => {
  appLogger.fatal({ msg: 'start failed', error });
  process.exit(1);
});
