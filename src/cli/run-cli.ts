import 'reflect-metadata';
import { readFileSync, createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module.js';
import { describeDatabase, loadConfig, parseDatabase, type AppConfig } from '../config/index.js';
import { ExportStreams, ExportQuery, writeWithBackpressure, type TextSink } from '../export/index.js';
import { StrictValidationPipe } from '../http/index.js';
import { parsePublicKey } from '../integrity/index.js';
import { cleanupReport, cleanupReportMarkdown, findFlagReferences, StaleFlags } from '../lifecycle/index.js';
import { ProjectionRebuild } from '../replay/index.js';
import type { Clock } from '../shared/index.js';
import { postgresSetup } from './postgres-setup.js';
import { runTokensCli } from './tokens-cli.js';
import { resolvePublicKey, verifyDatabaseFile } from './verify-database.js';
import { verifyExportFile } from './verify-export.js';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Tests pass the clock their server ran with; the CLI otherwise uses the system clock. */
  clock?: Clock;
}

const USAGE = `usage: npm run cli -- <command> [options]

  verify [--db <file>] [--public-key <pem>]        recompute the hash chain of a database file and check its signed checkpoints
  verify-export <file.ndjson> [--public-key <pem>] check an NDJSON export offline: row hashes, links, manifest, checkpoint
  export [--db <file>] [--format ndjson|csv] [--out <file>] [--flag <key>] [--actor <name>] [--type <T>]... [--from <ISO>] [--to <ISO>]
         [--environment <key>|'*']...              the same export as GET /v1/export, to a file or stdout
  rebuild [--db <file>]                            replay every event into fresh projections and swap them in (server stopped)
  cleanup-report [--db <file>] [--source <dir>] [--format md|json]
                                                   the stale flags by owner; with --source, every file:line still referencing each
  tokens issue --name <name> --role evaluator|viewer|editor|admin [--environment <key>]... [--expires-at <ISO>] [--reason <text>] [--db <file>]
                                                   issue a token as cli:<os user> (when no admin token is at hand); prints its secret once
  tokens list [--as-of <ISO>] [--db <file>]        every token (never a secret); with --as-of, the tokens valid at that instant
  tokens revoke <id> [--reason <text>] [--db <file>]
                                                   revoke an issued token; a server on the same database refuses it within a second
  postgres-setup --app-role <role> [--db <url>]    as the database's owner: migrate, then grant the instances' login role
                                                   SELECT + INSERT only on the append-only tables (README: least privilege)

--db defaults to FLAGLEDGER_DB (./data/flagledger.db); a postgres:// URL works for export, rebuild, cleanup-report and tokens. --public-key is the auditor's copy of GET /v1/audit/public-key;
without it, verify uses the key file beside the database. Exit code 0 = verified / done, 1 = verification failed, 2 = usage.`;

/** The same application the server runs, without HTTP, for commands that need its projections. */
async function withApp<T>(
  config: AppConfig,
  work: (app: INestApplicationContext) => Promise<T>,
  clock?: Clock,
): Promise<T> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config, ...(clock ? { clock } : {}) }), {
    logger: false,
  });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

/** stdout must stay open after the export (end() on it throws); everything else is a plain stream. */
function unendingStdout(): TextSink {
  return Object.assign(Object.create(process.stdout) as TextSink, { end: () => undefined });
}

/** Every operator command; returns the process exit code. Tests call it in-process. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      db: { type: 'string' },
      'public-key': { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      flag: { type: 'string' },
      actor: { type: 'string' },
      type: { type: 'string', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
      environment: { type: 'string', multiple: true },
      source: { type: 'string' },
      'app-role': { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      'expires-at': { type: 'string' },
      reason: { type: 'string' },
      'as-of': { type: 'string' },
    },
  });
  const print = (value: unknown) => io.out(`${JSON.stringify(value, null, 2)}\n`);
  // Before loadConfig: the owner running the setup needs no signing key or tokens.
  if (command === 'postgres-setup') {
    const result = await postgresSetup(values.db ?? io.env.FLAGLEDGER_DB, values['app-role']);
    if (!result.ok) {
      io.err(`${result.error}\n${USAGE}\n`);
      return 2;
    }
    print(result);
    return 0;
  }
  const loaded = loadConfig(io.env);
  // --db names a SQLite file or a postgres:// URL, as FLAGLEDGER_DB does.
  const config: AppConfig =
    values.db === undefined ? loaded : { ...loaded, database: parseDatabase(values.db, io.env.FLAGLEDGER_SYNC) };
  const givenKey =
    values['public-key'] === undefined ? undefined : parsePublicKey(readFileSync(values['public-key'], 'utf8'));

  switch (command) {
    case 'verify': {
      if (config.database.kind !== 'sqlite') {
        io.err(
          `verify reads a SQLite file; on PostgreSQL (${describeDatabase(config.database)}) ask a server: GET /v1/audit/verify\n`,
        );
        return 2;
      }
      const dbPath = config.database.path;
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
    case 'export': {
      const { db: _db, 'public-key': _key, out, source: _source, ...filters } = values;
      // The same validation as the HTTP route's query string, so the CLI accepts exactly what it does.
      const query = (await new StrictValidationPipe().transform(filters, {
        type: 'query',
        metatype: ExportQuery,
      })) as ExportQuery;
      const manifest = await withApp(config, async (app) => {
        const opened = await app.get(ExportStreams).open(query);
        if (out === undefined) {
          await writeWithBackpressure(unendingStdout(), opened.text);
        } else {
          const file = createWriteStream(out);
          await writeWithBackpressure(file, opened.text);
          await finished(file);
        }
        return opened.manifest.build();
      });
      io.err(`${JSON.stringify({ exported: manifest, out: out ?? 'stdout' })}\n`);
      return 0;
    }
    case 'rebuild': {
      print(await withApp(config, (app) => app.get(ProjectionRebuild).rebuild()));
      return 0;
    }
    case 'cleanup-report': {
      const format = values.format ?? 'md';
      if (format !== 'md' && format !== 'json') {
        io.err(`--format must be md or json\n${USAGE}\n`);
        return 2;
      }
      const stale = await withApp(config, (app) => app.get(StaleFlags).report(), io.clock);
      const references =
        values.source === undefined
          ? undefined
          : await findFlagReferences(
              values.source,
              stale.flags.map((f) => f.key),
            );
      const report = cleanupReport(stale, references);
      if (format === 'json') print(report);
      else io.out(cleanupReportMarkdown(report));
      return 0;
    }
    case 'tokens': {
      const [subcommand, ...ids] = positionals;
      const result = await withApp(
        config,
        (app) => runTokensCli(app, { subcommand, positionals: ids, values }),
        io.clock,
      );
      if (!result.ok) {
        io.err(`${result.error}\n`);
        return 2;
      }
      print(result.value);
      return 0;
    }
    default:
      io.err(`${command === undefined ? 'no command given' : `unknown command '${command}'`}\n${USAGE}\n`);
      return 2;
  }
}
