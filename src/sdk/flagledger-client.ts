import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { evaluateFlag, type EvaluationContext, type EvaluationResult } from '../evaluation-engine/index.js';
import { JitteredBackoff } from './backoff.js';
import { readBootstrapFile, writeBootstrapFile } from './bootstrap-file.js';
import { EvaluationCounter } from './evaluation-counter.js';
import type { FlagSnapshot, FlagSource, SdkFlag } from './flag-source.js';
import { SseParser, type ServerSentEvent } from './sse-parser.js';

export interface FlagledgerClientOptions {
  /** Base URL of the Flagledger server, e.g. `http://flagledger:3000`. */
  url: string;
  /** An API token with at least the `evaluator` role. */
  token: string;
  /**
   * The environment whose flags to follow (docs/contract.md §7): its snapshot, its stream, its telemetry.
   * Unset: the server's default environment, over the v1 routes; or, when the token is scoped to one
   * environment that is not the default, that one (docs/contract.md §9). A bootstrap file is only ever
   * read for the environment named here, so a client that must start without the server names it.
   */
  environment?: string;
  /**
   * Where to keep the last known flags. The client starts from it when the server cannot be reached,
   * and rewrites it after every change.
   */
  bootstrapFile?: string;
  /** How long start() waits for the server's snapshot before falling back to the bootstrap file. Default 5 s. */
  startTimeoutMs?: number;
  /** First reconnect delay ceiling (doubles per failed attempt, full jitter). Default 250 ms. */
  reconnectInitialMs?: number;
  /** Longest reconnect delay ceiling. Default 30 s. */
  reconnectMaxMs?: number;
  /** A stream silent this long (the server sends a heartbeat every 15 s) is treated as dead. Default 45 s. */
  idleTimeoutMs?: number;
  /**
   * How often evaluation counts are reported to the server (they feed each flag's lastEvaluatedAt and
   * stale-flag detection). Default 10 s; 0 turns reporting off.
   */
  reportIntervalMs?: number;
  /**
   * The service's name (at most 128 characters), sent with the reports beside this client's random
   * `instanceId`, so `GET /v1/clients` and the console show which services hold the latest change.
   */
  appName?: string;
  /** For tests and custom agents; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export type FlagledgerClientEvents = {
  /** The client has flags to answer from; `source` says whether they came from the server or the bootstrap file. */
  ready: [{ source: 'server' | 'bootstrap'; headSeq: number }];
  /** A flag changed (or a fresh snapshot replaced several): the new state, null when it disappeared. */
  changed: [{ key: string; flag: SdkFlag | null; seq: number }];
  /** The connection failed or dropped; the client keeps answering from the last state and reconnects. */
  error: [Error];
};

interface StreamedFlagChange {
  seq: number;
  key: string;
  flag: SdkFlag;
}

const BOOTSTRAP_WRITE_DELAY_MS = 200;
/**
 * A report follows this soon after the client applied a change (at most one per delay, however many
 * changes arrive), so a kill switch shows as applied within a second or so rather than the next interval.
 */
const CHANGE_REPORT_DELAY_MS = 500;
/** With nothing to count and no new seq, a report still goes this often: the server lists clients seen in the last hour. */
const PRESENCE_REPORT_MS = 60_000;
/** The report fields a server older than GET /v1/clients refuses as unknown (400). */
const IDENTITY_FIELDS = ['appName', 'instanceId', 'appliedSeq'];

/**
 * The in-process Flagledger SDK. Flags are evaluated locally and synchronously with the same engine the
 * server uses (no network call per evaluation), from a copy the server keeps current over Server-Sent
 * Events. When the server is unreachable the client keeps answering from the last state it had, and
 * resumes where it left off (Last-Event-ID) when the server is back.
 *
 * ```ts
 * const flags = await FlagledgerClient.start({ url: 'http://localhost:3000', token: process.env.FLAGLEDGER_TOKEN! });
 * if (flags.isEnabled('new_payment_processor', { userId: order.customerId })) { … }
 * ```
 */
export class FlagledgerClient extends EventEmitter<FlagledgerClientEvents> implements FlagSource {
  private flags = new Map<string, SdkFlag>();
  private seq = 0;
  private closed = false;
  private connection: AbortController | undefined;
  private streaming: Promise<void> | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private wakeReconnect: (() => void) | undefined;
  private bootstrapTimer: NodeJS.Timeout | undefined;
  /** The bootstrap writes, one after another: close() waits for the one under way. */
  private bootstrapWrites: Promise<void> = Promise.resolve();
  private isConnected = false;
  private readonly fetchImpl: typeof fetch;
  private readonly backoff: JitteredBackoff;
  private readonly counter = new EvaluationCounter();
  private reportTimer: NodeJS.Timeout | undefined;
  /** The environment followed: the option, or the one a scoped token allows (found at start). */
  private environment: string | undefined;
  /** Named in every report, with the app name and the applied seq (GET /v1/clients). */
  readonly instanceId: string = randomUUID();
  /** False once a server refused the identity fields (an older server): reports go on without them. */
  private identifies = true;
  private reportedSeq: number | undefined;
  private lastReportAt = 0;
  private changeReportTimer: NodeJS.Timeout | undefined;

  private constructor(private readonly options: FlagledgerClientOptions) {
    super();
    this.environment = options.environment;
    this.fetchImpl = options.fetch ?? fetch;
    this.backoff = new JitteredBackoff(options.reconnectInitialMs ?? 250, options.reconnectMaxMs ?? 30_000);
  }

  /**
   * Loads the flags (from the server, else from the bootstrap file) and starts following changes.
   * Rejects only when neither the server nor a bootstrap file could provide flags.
   */
  static async start(options: FlagledgerClientOptions): Promise<FlagledgerClient> {
    const client = new FlagledgerClient(options);
    const source = await client.loadInitialFlags();
    client.streaming = client.followStream();
    client.startReporting();
    // Listeners attach after start() resolves; 'ready' is emitted once they can hear it.
    setImmediate(() => client.emit('ready', { source, headSeq: client.seq }));
    return client;
  }

  /** See {@link FlagSource.isEnabled}: the default answers for an unknown flag, and whenever anything fails. */
  isEnabled(flagKey: string, context: EvaluationContext = {}, defaultValue = false): boolean {
    try {
      const result = evaluateFlag(flagKey, this.flags.get(flagKey), context ?? {});
      this.counter.count(flagKey, result.reason);
      return result.reason === 'FLAG_NOT_FOUND' ? defaultValue : result.enabled;
    } catch {
      return defaultValue;
    }
  }

  /** See {@link FlagSource.evaluate}. */
  evaluate(flagKey: string, context: EvaluationContext = {}): EvaluationResult {
    const result = evaluateFlag(flagKey, this.flags.get(flagKey), context ?? {});
    this.counter.count(flagKey, result.reason);
    return result;
  }

  /**
   * Sends the evaluation counts gathered since the last report now (also done on a timer, soon after a
   * change is applied, and at close), with this client's appName, instanceId and applied seq. Skipped
   * when there is nothing to count, the seq was reported already and the last report is recent.
   */
  async reportEvaluations(): Promise<void> {
    const evaluations = this.counter.take(new Date());
    const appliedSeq = this.seq;
    const presenceDue = Date.now() - this.lastReportAt >= PRESENCE_REPORT_MS;
    if (evaluations.length === 0 && appliedSeq === this.reportedSeq && !presenceDue) return;
    try {
      let response = await this.postReport(evaluations, this.identifies ? appliedSeq : undefined);
      if (this.identifies && (await refusesIdentity(response))) {
        this.identifies = false;
        this.emitError(
          new Error(
            'the server refused the report with appName, instanceId and appliedSeq (a server before GET /v1/clients, or an appName over 128 characters): reporting without them',
          ),
        );
        response = await this.postReport(evaluations, undefined);
      }
      // 4xx will not get better by retrying; anything else is kept for the next report.
      if (response.status >= 500) throw new Error(`POST /v1/telemetry/evaluations answered ${response.status}`);
      this.reportedSeq = appliedSeq;
      this.lastReportAt = Date.now();
    } catch (error) {
      this.counter.giveBack(evaluations);
      this.emitError(error);
    }
  }

  /** One report; `appliedSeq` undefined: without the identity fields. */
  private postReport(evaluations: unknown[], appliedSeq: number | undefined): Promise<Response> {
    const environment = this.environment;
    const identity =
      appliedSeq === undefined
        ? {}
        : {
            ...(this.options.appName === undefined ? {} : { appName: this.options.appName }),
            instanceId: this.instanceId,
            appliedSeq,
          };
    return this.fetchImpl(`${this.baseUrl()}/v1/telemetry/evaluations`, {
      method: 'POST',
      headers: { ...this.headers(), 'content-type': 'application/json' },
      body: JSON.stringify({ ...(environment === undefined ? {} : { environment }), ...identity, evaluations }),
      signal: AbortSignal.timeout(5000),
    });
  }

  /** The last seq of the server's log this client has applied. */
  get headSeq(): number {
    return this.seq;
  }

  /** Whether the change stream is open right now. */
  get connected(): boolean {
    return this.isConnected;
  }

  /** The flags this client answers from, as it holds them now. */
  allFlags(): SdkFlag[] {
    return [...this.flags.values()];
  }

  /** Stops following the server, writes the bootstrap file one last time, releases every timer and socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.reportTimer);
    clearTimeout(this.changeReportTimer);
    clearTimeout(this.reconnectTimer);
    this.wakeReconnect?.();
    this.connection?.abort();
    await this.streaming?.catch(() => undefined);
    if (this.bootstrapTimer !== undefined) {
      clearTimeout(this.bootstrapTimer);
      this.queueBootstrapWrite();
    }
    // A write the timer started may still be under way: the file must be there once close() resolves.
    await this.bootstrapWrites;
    if (this.options.reportIntervalMs !== 0) await this.reportEvaluations();
    this.removeAllListeners();
  }

  private startReporting(): void {
    const interval = this.options.reportIntervalMs ?? 10_000;
    if (interval <= 0) return;
    this.reportTimer = setInterval(() => void this.reportEvaluations(), interval);
    this.reportTimer.unref();
    this.reportSoon();
  }

  /** A report shortly, unless one is scheduled already: what applying a change (or starting) calls. */
  private reportSoon(): void {
    if (this.closed || this.changeReportTimer !== undefined || (this.options.reportIntervalMs ?? 10_000) <= 0) return;
    this.changeReportTimer = setTimeout(() => {
      this.changeReportTimer = undefined;
      void this.reportEvaluations();
    }, CHANGE_REPORT_DELAY_MS);
    this.changeReportTimer.unref();
  }

  private async loadInitialFlags(): Promise<'server' | 'bootstrap'> {
    try {
      const deadline = AbortSignal.timeout(this.options.startTimeoutMs ?? 5000);
      let response = await this.fetchSnapshot(deadline);
      if (this.environment === undefined && (await isEnvironmentForbidden(response))) {
        this.environment = await this.tokenEnvironment(deadline);
        response = await this.fetchSnapshot(deadline);
      }
      if (!response.ok) throw new Error(`GET ${this.route('snapshot')} answered ${response.status}`);
      this.replaceAll((await response.json()) as FlagSnapshot);
      this.scheduleBootstrapWrite();
      return 'server';
    } catch (error) {
      if (this.options.bootstrapFile === undefined) throw error;
      try {
        this.replaceAll(await readBootstrapFile(this.options.bootstrapFile, this.options.environment));
      } catch (bootstrapError) {
        throw new AggregateError(
          [error, bootstrapError],
          `Flagledger: the server is unreachable and the bootstrap file is unusable: ${String(bootstrapError instanceof Error ? bootstrapError.message : bootstrapError)}`,
        );
      }
      return 'bootstrap';
    }
  }

  private fetchSnapshot(signal: AbortSignal): Promise<Response> {
    return this.fetchImpl(`${this.baseUrl()}${this.route('snapshot')}`, { headers: this.headers(), signal });
  }

  /**
   * The one environment the token may act in, when the default is not among its environments: a service
   * given a staging-scoped token follows staging without being told twice.
   */
  private async tokenEnvironment(signal: AbortSignal): Promise<string> {
    const response = await this.fetchImpl(`${this.baseUrl()}/v1/tokens/me`, { headers: this.headers(), signal });
    if (!response.ok) throw new Error(`GET /v1/tokens/me answered ${response.status}`);
    const { environments } = (await response.json()) as { environments: string[] | null };
    if (environments?.length !== 1)
      throw new Error(
        `the token may act in ${environments?.join(', ') ?? 'every environment'}: set the client's environment option`,
      );
    return environments[0]!;
  }

  /** Connect, read until the stream ends or fails, wait a jittered backoff, repeat until close(). */
  private async followStream(): Promise<void> {
    while (!this.closed) {
      try {
        await this.readStreamOnce();
      } catch (error) {
        if (!this.closed) this.emitError(error);
      }
      this.isConnected = false;
      if (this.closed) return;
      await new Promise<void>((resolve) => {
        this.wakeReconnect = resolve;
        this.reconnectTimer = setTimeout(resolve, this.backoff.next());
      });
    }
  }

  private async readStreamOnce(): Promise<void> {
    const connection = new AbortController();
    this.connection = connection;
    const idleTimeoutMs = this.options.idleTimeoutMs ?? 45_000;
    let idle = setTimeout(
      () => connection.abort(new Error(`no data from the stream for ${idleTimeoutMs} ms`)),
      idleTimeoutMs,
    );
    try {
      const path = this.route('stream');
      const response = await this.fetchImpl(`${this.baseUrl()}${path}`, {
        headers: { ...this.headers(), accept: 'text/event-stream', 'last-event-id': String(this.seq) },
        signal: connection.signal,
      });
      if (!response.ok || response.body === null) throw new Error(`GET ${path} answered ${response.status}`);
      this.isConnected = true;
      const parser = new SseParser();
      const decoder = new TextDecoder();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        clearTimeout(idle);
        idle = setTimeout(
          () => connection.abort(new Error(`no data from the stream for ${idleTimeoutMs} ms`)),
          idleTimeoutMs,
        );
        for (const event of parser.push(decoder.decode(chunk, { stream: true }))) this.onServerEvent(event);
        this.backoff.reset();
      }
      if (!this.closed) throw new Error('the server closed the stream');
    } finally {
      clearTimeout(idle);
    }
  }

  private onServerEvent(event: ServerSentEvent): void {
    if (event.event === 'snapshot') {
      this.replaceAll(JSON.parse(event.data) as FlagSnapshot);
    } else if (event.event === 'flag') {
      const change = JSON.parse(event.data) as StreamedFlagChange;
      if (change.seq <= this.seq) return;
      this.flags.set(change.key, change.flag);
      this.seq = change.seq;
      this.emit('changed', { key: change.key, flag: change.flag, seq: change.seq });
    } else {
      return;
    }
    this.scheduleBootstrapWrite();
    this.reportSoon();
  }

  /** A snapshot replaces everything; flags that changed or vanished are announced. */
  private replaceAll(snapshot: FlagSnapshot): void {
    const previous = this.flags;
    this.flags = new Map(snapshot.flags.map((flag) => [flag.key, flag]));
    this.seq = snapshot.headSeq;
    for (const [key, flag] of this.flags) {
      if (previous.get(key)?.version !== flag.version) this.emit('changed', { key, flag, seq: snapshot.headSeq });
    }
    for (const key of previous.keys())
      if (!this.flags.has(key)) this.emit('changed', { key, flag: null, seq: snapshot.headSeq });
  }

  private scheduleBootstrapWrite(): void {
    if (this.options.bootstrapFile === undefined || this.bootstrapTimer !== undefined) return;
    this.bootstrapTimer = setTimeout(() => {
      this.bootstrapTimer = undefined;
      this.queueBootstrapWrite();
    }, BOOTSTRAP_WRITE_DELAY_MS);
    this.bootstrapTimer.unref();
  }

  private queueBootstrapWrite(): void {
    this.bootstrapWrites = this.bootstrapWrites.then(() => this.saveBootstrap());
  }

  private async saveBootstrap(): Promise<void> {
    if (this.options.bootstrapFile === undefined) return;
    try {
      await writeBootstrapFile(
        this.options.bootstrapFile,
        { headSeq: this.seq, flags: this.allFlags() },
        this.environment,
      );
    } catch (error) {
      this.emitError(error);
    }
  }

  /** 'error' without a listener would throw from EventEmitter; the SDK must never take the service down. */
  private emitError(error: unknown): void {
    if (this.listenerCount('error') > 0) this.emit('error', error instanceof Error ? error : new Error(String(error)));
  }

  /** /v1/snapshot and /v1/stream, or the same in the environment the client follows. */
  private route(name: 'snapshot' | 'stream'): string {
    const environment = this.environment;
    return environment === undefined ? `/v1/${name}` : `/v1/environments/${encodeURIComponent(environment)}/${name}`;
  }

  private baseUrl(): string {
    return this.options.url.replace(/\/+$/, '');
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.options.token}` };
  }
}

/** Whether an older server refused the report for the identity fields it does not know (400 naming one). */
async function refusesIdentity(response: Response): Promise<boolean> {
  if (response.status !== 400) return false;
  const body = (await response
    .clone()
    .json()
    .catch(() => ({}))) as { errors?: { field?: unknown }[] };
  return (body.errors ?? []).some((e) => IDENTITY_FIELDS.includes(String(e.field)));
}

/** Whether the server refused the default environment to a scoped token (403 ENVIRONMENT_FORBIDDEN). */
async function isEnvironmentForbidden(response: Response): Promise<boolean> {
  if (response.status !== 403) return false;
  const body = (await response
    .clone()
    .json()
    .catch(() => ({}))) as { code?: unknown };
  return body.code === 'ENVIRONMENT_FORBIDDEN';
}
