import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { describeDatabase, loadConfig } from './config/index.js';
import { createApp } from './create-app.js';
import { JsonLogger } from './shared/index.js';

async function main(): Promise<void> {
  const logger = new JsonLogger();
  const config = loadConfig();
  const app = await createApp({ config, logger });
  await app.listen(config.port);
  const log = new Logger('Flagledger');
  log.log({
    msg: 'started',
    port: config.port,
    db: describeDatabase(config.database),
    ...(config.database.kind === 'sqlite' ? { sync: config.database.sync } : {}),
    tokens: config.tokens.map((t) => `${t.name}:${t.role}`),
  });
  if (config.generatedToken !== null) {
    // Printed once, so a first run on a fresh machine is usable; set FLAGLEDGER_TOKENS to choose your own.
    log.warn({
      msg: 'FLAGLEDGER_TOKENS is not set: generated an admin token for this run',
      name: config.generatedToken.name,
      token: config.generatedToken.secret,
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: 'fatal', msg: 'start failed', error: String(error) })}\n`,
  );
  process.exit(1);
});
