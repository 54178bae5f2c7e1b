import { Body, Controller, Get, Headers, HttpCode, Inject, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  AcceptsRawToken,
  Actor,
  ActsIn,
  assertMayActIn,
  RequireRole,
  servedEnvironment,
  type Principal,
} from '../auth/index.js';
import { ConnectedClients } from '../connected-clients/index.js';
import { FlagStreams } from '../delivery/index.js';
import { EnvironmentDirectory } from '../environments/index.js';
import { countedFlagKey } from '../evaluation/index.js';
import { FlagStateReader } from '../flags/index.js';
import { ifNoneMatchNames } from '../http/index.js';
import { CLOCK, type Clock } from '../shared/index.js';
import { EvaluationTelemetry } from '../telemetry/index.js';
import { requireJsonObject } from './json-object.js';
import { ServedFeatures } from './served-features.js';
import { toggleCountReasons } from './toggle-count-reasons.js';
import { unleashClientIdentity, type UnleashClientIdentity } from './unleash-client-identity.js';
import { parseUnleashMetrics } from './unleash-metrics.js';
import { UNLEASH_STREAM_FORMAT } from './unleash-stream-format.js';

/**
 * The part of Unleash's client API its server SDKs use (docs/contract.md §11), so services in any
 * language evaluate Flagledger flags locally. Tokens come raw in Authorization, as those SDKs send them.
 */
@Controller('api/client')
@AcceptsRawToken()
@RequireRole('evaluator')
// The environment comes from the token, not the request: each handler resolves and checks it.
@ActsIn.checkedByHandler()
export class UnleashClientController {
  constructor(
    private readonly flags: FlagStateReader,
    private readonly environments: EnvironmentDirectory,
    private readonly telemetry: EvaluationTelemetry,
    private readonly streams: FlagStreams,
    private readonly served: ServedFeatures,
    private readonly clients: ConnectedClients,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * The environment's live flags as Unleash features, from the in-memory projection (built once per seq:
   * ServedFeatures). The ETag is a hash of the body itself, so it changes exactly when what an SDK would
   * store does; a poll holding it gets a 304 with no body.
   * Either way the SDK now holds the body of that seq: GET /v1/clients lists it at the seq, with the ETag.
   */
  @Get('features')
  features(
    @Actor() caller: Principal,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Res() res: Response,
  ): void {
    const environment = this.environmentOf(caller);
    const { body, etag, seq } = this.served.of(environment);
    this.seen(unleashClientIdentity(headers), environment, { appliedSeq: seq, etag });
    res.setHeader('ETag', etag);
    if (ifNoneMatchNames(ifNoneMatch, etag)) res.status(304).end();
    else res.type('application/json').send(body);
  }

  /**
   * Unleash's streaming mode: the same flags pushed as server-sent events (UNLEASH_STREAM_FORMAT) by the
   * stream /v1/stream uses, so it counts against the same per-token bound and ends on shutdown the same.
   * The SDK reports no seq: GET /v1/clients lists it at the last seq written to it.
   */
  @Get('streaming')
  streaming(
    @Actor() caller: Principal,
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Res() res: Response,
  ): Promise<void> {
    const environment = this.environmentOf(caller);
    const identity = unleashClientIdentity(headers);
    return this.streams.serve(res, {
      principal: caller.name,
      environment,
      format: UNLEASH_STREAM_FORMAT,
      onSent: (seq) => this.seen(identity, environment, { appliedSeq: seq }),
    });
  }

  /** An SDK instance announcing itself; accepted as Unleash does, and listed in GET /v1/clients. */
  @Post('register')
  @HttpCode(202)
  register(
    @Actor() caller: Principal,
    @Body() body: unknown,
    @Headers() headers: Record<string, string | string[] | undefined>,
  ): void {
    const environment = this.environmentOf(caller);
    this.seen(unleashClientIdentity(headers, requireJsonObject(body, 'body')), environment);
  }

  /**
   * An SDK's yes/no counts since its last report feed the same telemetry as SDK reports do, in the
   * token's environment, under the reasons toggleCountReasons picks. Names that are no flag count under
   * UNKNOWN_FLAG_KEY (countedFlagKey), so a token cannot grow telemetry with names of its own; the
   * bucket's end, capped at now, is when they were last evaluated.
   */
  @Post('metrics')
  @HttpCode(202)
  metrics(
    @Actor() caller: Principal,
    @Body() body: unknown,
    @Headers() headers: Record<string, string | string[] | undefined>,
  ): void {
    const environment = this.environmentOf(caller);
    const bucket = parseUnleashMetrics(body);
    this.seen(unleashClientIdentity(headers, body as Record<string, unknown>), environment);
    const now = this.clock.now().getTime();
    const at = Math.min(bucket.stop ?? now, now);
    for (const { name, yes, no } of bucket.toggles) {
      const flag = this.flags.get(name, environment);
      const key = countedFlagKey(name, flag);
      const reasons = toggleCountReasons(flag);
      if (yes > 0) this.telemetry.add(key, reasons.yes, yes, at, environment);
      if (no > 0) this.telemetry.add(key, reasons.no, no, at, environment);
    }
  }

  /** Register and metrics say nothing of what the SDK holds: what a features answer or the stream said stays. */
  private seen(
    identity: UnleashClientIdentity,
    environment: string,
    applied: { appliedSeq: number; etag?: string } | Record<string, never> = {},
  ): void {
    this.clients.seen({ kind: 'unleash', ...identity, environment, ...applied });
  }

  private environmentOf(caller: Principal): string {
    const environment = servedEnvironment(caller, this.flags.defaultEnvironment);
    assertMayActIn(caller, [environment]);
    this.environments.require(environment);
    return environment;
  }
}
