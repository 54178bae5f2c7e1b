import { spawn, type ChildProcess } from 'node:child_process';
import { type Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The real server (dist/main.js, built by `tsc -p tsconfig.build.json`) as a child process, for the
 * fault tests that must kill -9 it: spawn on a port, wait for /health, kill, call it over HTTP.
 */

/** A TCP port free on 127.0.0.1 a moment ago. Chosen per run: a fixed port could reach a stray server. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface HttpAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- specs read whatever JSON the server sent
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

/** One JSON request to 127.0.0.1:port; rejects on connection errors (refused, reset mid-answer). */
export function callServer(
  port: number,
  agent: Agent | false,
  method: string,
  path: string,
  token: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  const text = body === undefined ? '' : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }),
          ...headers,
        },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (data += chunk));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: data ? JSON.parse(data) : null, headers: res.headers });
          } catch (error) {
            reject(error);
          }
        });
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('response aborted')));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

export interface ServerChild {
  child: ChildProcess;
  port: number;
  /** Whether the process is still running. */
  alive: () => boolean;
}

/** Spawns `node dist/main.js` with PORT and `env`, and waits (up to timeoutMs) until GET /health answers 200. */
export async function spawnServer(port: number, env: Record<string, string>, timeoutMs = 20_000): Promise<ServerChild> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    env: { ...process.env, PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`server on port ${port} exited with ${child.exitCode ?? child.signalCode}: ${stderr}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server on port ${port} did not answer /health within ${timeoutMs} ms: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { child, port, alive: () => child.exitCode === null && child.signalCode === null };
}

/** Sends `signal` and waits until the process has exited (at once if it already has). */
export function stopServer(server: ServerChild, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!server.alive()) return Promise.resolve();
  return new Promise((resolve) => {
    server.child.once('exit', () => resolve());
    server.child.kill(signal);
  });
}
