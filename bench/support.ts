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

function cpuJiffies(): { busy: number; steal: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return { busy: user + nice + system + irq + softirq, steal };
}

function processJiffies(pid: number | 'self'): number {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/**
 * How busy the rest of the machine was while a figure was measured: CPU time spent by every process but
 * this one and `pids` (the server), in cores, and the hypervisor's steal. Call the result to read it.
 */
export function otherCpuLoad(pids: readonly number[] = []): () => string {
  const ticksPerSecond = 100; // USER_HZ on Linux
  const ours = () => processJiffies('self') + pids.reduce((sum, pid) => sum + processJiffies(pid), 0);
  const start = { cpu: cpuJiffies(), ours: ours(), at: performance.now() };
  return () => {
    const cpu = cpuJiffies();
    const seconds = (performance.now() - start.at) / 1000;
    const other = (cpu.busy - start.cpu.busy - (ours() - start.ours)) / ticksPerSecond / seconds;
    const steal = (cpu.steal - start.cpu.steal) / ticksPerSecond / seconds;
    return `other processes ${Math.max(0, other).toFixed(2)} cores, steal ${steal.toFixed(2)} cores over ${seconds.toFixed(1)} s`;
  };
}
