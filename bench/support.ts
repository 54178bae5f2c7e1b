import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** The machine the figures were measured on, printed with them. */
export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export const BENCH_TOKEN = 'bench-admin-secret';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Milliseconds from spawn until /health answered. */
  startMs: number;
  /** Peak resident set size so far (VmHWM), MiB. */
  peakRssMb: () => number;
  rssMb: () => number;
  stop: () => Promise<void>;
}

function statusField(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return line === undefined ? NaN : Math.round(Number(line.split(/\s+/)[1]) / 1024);
}

/** Starts the real server (dist/main.js) on a database file and waits until it answers /health. */
export async function startServer(dbPath: string, port: number, env: Record<string, string> = {}): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, ['dist/main.js'], {
    env: { ...process.env, FLAGLEDGER_DB: dbPath, PORT: String(port), FLAGLEDGER_TOKENS: `bench:admin:${BENCH_TOKEN}`, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const startMs = performance.now() - started;
  const pid = child.pid!;
  return {
    child,
    url,
    startMs,
    peakRssMb: () => statusField(pid, 'VmHWM'),
    rssMb: () => statusField(pid, 'VmRSS'),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const auth = { authorization: `Bearer ${BENCH_TOKEN}` };

export function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}
