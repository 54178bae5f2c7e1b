import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The server the PostgreSQL specs (`*.pg-spec.ts`) run against. `npm run test:pg` starts a throwaway
 * cluster and sets it; a spec run without it fails instead of skipping, so CI can never pass with the
 * PostgreSQL suites silently left out.
 */
export function testPostgresUrl(): string {
  const url = process.env.FLAGLEDGER_TEST_PG_URL;
  if (url === undefined || url === '') {
    throw new Error(
      'FLAGLEDGER_TEST_PG_URL is not set: run the PostgreSQL specs with `npm run test:pg`, which starts a throwaway cluster (.ci/with-postgres), or point it at a server where the user may CREATE DATABASE',
    );
  }
  return url;
}

export interface TestDatabase {
  /** postgres://… of the fresh, empty database. */
  url: string;
  /** Drops it, closing whatever connections are still open to it. */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Create it with this ICU locale as its default collation (e.g. 'en-US') instead of the cluster's. */
  icuLocale?: string;
}

/** A fresh database `t_<random>` on the test server, so specs (and tests) never see each other's data. */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const adminUrl = testPostgresUrl();
  const name = `t_${randomBytes(8).toString('hex')}`;
  const locale =
    options.icuLocale === undefined
      ? ''
      : ` TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '${options.icuLocale.replace(/'/g, "''")}'`;
  await asAdmin(adminUrl, `CREATE DATABASE ${name}${locale}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => asAdmin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export interface TemplateDatabase {
  /** A fresh database `t_<random>` copied from the template: migrated, and cheaper than migrating again. */
  clone(): Promise<TestDatabase>;
  drop(): Promise<void>;
}

/**
 * A database prepared once by `prepare` (say, migrated), from which each test clones its own: CREATE
 * DATABASE … TEMPLATE copies files, where running the migrations again would commit a few hundred
 * statements per test. `prepare` must close its connections: PostgreSQL copies only an idle template.
 */
export async function createTemplateDatabase(prepare: (url: string) => Promise<void>): Promise<TemplateDatabase> {
  const adminUrl = testPostgresUrl();
  const template = await createTestDatabase();
  try {
    await prepare(template.url);
  } catch (error) {
    await template.drop();
    throw error;
  }
  const templateName = new URL(template.url).pathname.slice(1);
  return {
    clone: async () => {
      const name = `t_${randomBytes(8).toString('hex')}`;
      await asAdmin(adminUrl, `CREATE DATABASE ${name} TEMPLATE ${templateName}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return { url: url.toString(), drop: () => asAdmin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
    },
    drop: template.drop,
  };
}

/** Runs one statement on the server the URL names, on a connection of its own (CREATE/DROP DATABASE need one). */
export async function asAdmin(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
