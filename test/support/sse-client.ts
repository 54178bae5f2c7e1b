import http from 'node:http';
import type { FlagState } from '../../src/flags/flag-state.js';
import { TOKENS } from './tokens.js';

export interface ServerSentEvent {
  event: string;
  id: string | undefined;
  data: string;
}

export interface FlagChange {
  seq: number;
  key: string;
  type: string;
  flag: FlagState;
}

/** One SSE connection: parses as bytes arrive and lets a test wait for what it expects. */
export class SseClient {
  readonly events: ServerSentEvent[] = [];
  heartbeats = 0;
  ended = false;
  private buffer = '';
  private pending: { event?: string; id?: string; data?: string[] } = {};
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly status: number,
    readonly headers: http.IncomingHttpHeaders,
    private readonly request: http.ClientRequest,
  ) {}

  /** Resolves once the response headers arrived (the server flushes them at once). */
  static connect(
    base: string,
    options: { lastEventId?: string; query?: string; token?: string | null; path?: string } = {},
  ): Promise<SseClient> {
    const token = options.token === undefined ? TOKENS.evaluator.secret : options.token;
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
    return new Promise((resolve, reject) => {
      const request = http.get(
        `${base}${options.path ?? '/v1/stream'}${options.query ?? ''}`,
        { headers, agent: false },
        (res) => {
          const client = new SseClient(res.statusCode ?? 0, res.headers, request);
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => client.push(chunk));
          res.on('end', () => client.finish());
          res.on('error', () => client.finish());
          resolve(client);
        },
      );
      request.on('error', reject);
    });
  }

  /** The parsed data of every event of this type, in arrival order. */
  dataOf<T>(event: string): T[] {
    return this.events.filter((e) => e.event === event).map((e) => JSON.parse(e.data) as T);
  }

  get flagChanges(): FlagChange[] {
    return this.dataOf<FlagChange>('flag');
  }

  until(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; got ${JSON.stringify(this.events.map((e) => `${e.event}#${e.id}`))}`,
          ),
        );
      }, timeoutMs);
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  /** Waits until `count` flag events arrived. */
  untilFlagChanges(count: number): Promise<FlagChange[]> {
    // Counted without parsing: a long replay arrives in many chunks.
    return this.until(() => this.events.filter((e) => e.event === 'flag').length >= count, `${count} flag events`).then(
      () => this.flagChanges,
    );
  }

  close(): void {
    this.request.destroy();
  }

  private push(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) !== -1) {
      this.line(this.buffer.slice(0, newline));
      this.buffer = this.buffer.slice(newline + 1);
    }
    for (const check of [...this.waiters]) check();
  }

  private line(line: string): void {
    if (line === '') {
      if (this.pending.data !== undefined)
        this.events.push({
          event: this.pending.event ?? 'message',
          id: this.pending.id,
          data: this.pending.data.join('\n'),
        });
      this.pending = {};
      return;
    }
    if (line.startsWith(':')) {
      if (line === ': heartbeat') this.heartbeats++;
      return;
    }
    const colon = line.indexOf(':');
    const field = line.slice(0, colon);
    const value = line.slice(colon + 2);
    if (field === 'data') (this.pending.data ??= []).push(value);
    else if (field === 'event' || field === 'id') this.pending[field] = value;
  }

  private finish(): void {
    this.ended = true;
    for (const check of [...this.waiters]) check();
  }
}
