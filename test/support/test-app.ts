import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { AppConfig, ApiToken } from '../../src/config/app-config.js';
import { createApp } from '../../src/create-app.js';
import type { DecisionLogConfig } from '../../src/decision-log/decision-log.js';
import type { DeliveryOptions } from '../../src/delivery/delivery-options.js';
import type { Clock } from '../../src/shared/clock.js';

/** One token per role; the name is what the server records as the actor. */
export const TOKENS = {
  admin: { name: 'root', role: 'admin', secret: 'admin-secret-123' },
  editor: { name: 'alice', role: 'editor', secret: 'editor-secret-123' },
  viewer: { name: 'victor', role: 'viewer', secret: 'viewer-secret-123' },
  evaluator: { name: 'svc-payments', role: 'evaluator', secret: 'evaluator-secret-123' },
} as const satisfies Record<string, ApiToken>;

export type RoleName = keyof typeof TOKENS;

/** A clock tests move by hand instead of sleeping. */
export class ManualClock implements Clock {
  constructor(private current = new Date('2026-11-25T12:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface TestApp {
  app: NestExpressApplication;
  dbPath: string;
  clock: ManualClock;
  /** supertest agent bound to the real HTTP server. */
  http: () => ReturnType<typeof request>;
  /** http://127.0.0.1:<port> of the real server. */
  url: string;
  /** Authorization header value for a role. */
  auth: (role: RoleName) => string;
  close: () => Promise<void>;
}

/** A fresh temp directory for one test file's databases; removed by cleanup(). */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'flagledger-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Boots the real Nest app (real SQLite file, real HTTP server on an ephemeral loopback port). */
export async function startTestApp(
  options: {
    dbPath?: string;
    clock?: ManualClock;
    port?: number;
    delivery?: Partial<DeliveryOptions>;
    telemetryFlushMs?: number;
    decisionLog?: DecisionLogConfig;
    telemetry?: boolean;
  } = {},
): Promise<TestApp> {
  const dbPath = options.dbPath ?? join(mkdtempSync(join(tmpdir(), 'flagledger-test-')), 'flagledger.db');
  const clock = options.clock ?? new ManualClock();
  const config: AppConfig = {
    port: 0,
    dbPath,
    sync: 'full',
    tokens: Object.values(TOKENS),
    generatedToken: null,
    signingKey: null,
    flagLifetimeDays: { release: 40, experiment: 40 },
    decisionLog: options.decisionLog ?? null,
    staleThresholds: { releaseFullyRolledOutDays: 30, unusedDays: 90 },
    telemetry: options.telemetry ?? true,
    maxStreamsPerToken: 100,
  };
  // Telemetry flushes only when a test says so (or at close), unless the test asks for a timer.
  const app = await createApp({ config, clock, delivery: options.delivery, telemetryFlushMs: options.telemetryFlushMs ?? 3_600_000, logger: false });
  await app.listen(options.port ?? 0, '127.0.0.1');
  const server = app.getHttpServer();
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    app,
    dbPath,
    clock,
    http: () => request(server),
    auth: (role) => `Bearer ${TOKENS[role].secret}`,
    close: () => app.close(),
  };
}

/** A read-only-intent raw handle on the database file, for assertions the API does not expose. */
export function openRaw(dbPath: string): BetterSqlite3.Database {
  return new BetterSqlite3(dbPath);
}

export function eventCount(dbPath: string): number {
  const db = openRaw(dbPath);
  try {
    return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** A valid create body; override what the test is about. */
export function releaseFlag(key = 'new_payment_processor', overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { key, type: 'release', owner: 'payments-team', expiresAt: '2027-03-01T00:00:00.000Z', ...overrides };
}

/**
 * A live flag read without its usage fields (lastEvaluatedAt, evaluations): the flag's state alone, to
 * compare with states from commands, time travel or the snapshot, which carry no telemetry.
 */
export function stateOf<T extends object>(flag: T): Omit<T, 'lastEvaluatedAt' | 'evaluations'> {
  const { lastEvaluatedAt: _last, evaluations: _evaluations, ...state } = flag as T & { lastEvaluatedAt?: unknown; evaluations?: unknown };
  return state;
}
