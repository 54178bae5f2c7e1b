import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module.js';
import { loadConfig } from '../config/app-config.js';
import { parsePublicKey } from '../integrity/signing-key.js';
import { ProjectionRebuild } from '../replay/projection-rebuild.js';
import { resolvePublicKey, verifyDatabaseFile } from './verify-database.js';
import { verifyExportFile } from './verify-export.js';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const USAGE = `usage: npm run cli -- <command> [options]

  verify [--db <file>] [--public-key <pem>]        recompute the hash chain of a database file and check its signed checkpoints
  verify-export <file.ndjson> [--public-key <pem>] check an NDJSON export offline: row hashes, links, manifest, checkpoint
  rebuild [--db <file>]                            replay every event into fresh projections and swap them in (server stopped)

--db defaults to FLAGLEDGER_DB (./data/flagledger.db). --public-key is the auditor's copy of GET /v1/audit/public-key;
without it, verify uses the key file beside the database. Exit code 0 = verified / done, 1 = verification failed, 2 = usage.`;

/** Every operator command; returns the process exit code. Tests call it in-process. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: { db: { type: 'string' }, 'public-key': { type: 'string' } },
  });
  const config = loadConfig(io.env);
  const dbPath = values.db ?? config.dbPath;
  const givenKey = values['public-key'] === undefined ? undefined : parsePublicKey(readFileSync(values['public-key'], 'utf8'));
  const print = (value: unknown) => io.out(`${JSON.stringify(value, null, 2)}\n`);

  switch (command) {
    case 'verify': {
      const { key, source } = resolvePublicKey(dbPath, givenKey);
      const result = await verifyDatabaseFile(dbPath, key);
      print({ database: dbPath, publicKey: source, ...result });
      return result.ok ? 0 : 1;
    }
    case 'verify-export': {
      const file = positionals[0];
      if (file === undefined) {
        io.err(`verify-export needs the export file\n${USAGE}\n`);
        return 2;
      }
      const result = await verifyExportFile(file, givenKey);
      print({ file, ...result });
      return result.ok ? 0 : 1;
    }
    case 'rebuild': {
      const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config: { ...config, dbPath } }), { logger: false });
      try {
        print(await app.get(ProjectionRebuild).rebuild());
      } finally {
        await app.close();
      }
      return 0;
    }
    default:
      io.err(`${command === undefined ? 'no command given' : `unknown command '${command}'`}\n${USAGE}\n`);
      return 2;
  }
}
