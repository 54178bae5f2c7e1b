import { Body, Controller, Headers, HttpCode, Param, Post, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import {
  AcceptsApiKeyHeader,
  Actor,
  ActsIn,
  assertMayActIn,
  RequireRole,
  servedEnvironment,
  type Principal,
} from '../auth/index.js';
import { clientName, ConnectedClients } from '../connected-clients/index.js';
import { EnvironmentDirectory } from '../environments/index.js';
import { LiveEvaluations } from '../evaluation/index.js';
import { FlagNotFoundError, FlagStateReader } from '../flags/index.js';
import { ifNoneMatchNames } from '../http/index.js';
import { sha256Hex } from '../shared/index.js';
import { ofrepSuccess, type OfrepSuccess } from './ofrep-answer.js';
import { ofrepContext } from './ofrep-context.js';
import { OfrepFailureFilter } from './ofrep-failure.filter.js';

/**
 * OpenFeature's Remote Evaluation Protocol 0.3 (docs/contract.md §11): every OpenFeature SDK's OFREP
 * provider evaluates Flagledger flags, in the token's environment, with the engine /v1/evaluate uses.
 * Refusals, the guard's included, are in OFREP's shape (OfrepFailureFilter).
 */
@Controller('ofrep/v1/evaluate/flags')
@AcceptsApiKeyHeader()
@RequireRole('evaluator')
// The environment comes from the token, not the request: each handler resolves and checks it.
@ActsIn.checkedByHandler()
@UseFilters(OfrepFailureFilter)
export class OfrepController {
  constructor(
    private readonly flags: FlagStateReader,
    private readonly environments: EnvironmentDirectory,
    private readonly live: LiveEvaluations,
    private readonly clients: ConnectedClients,
  ) {}

  /**
   * One flag. An unknown flag is FLAG_NOT_FOUND, so the client serves its code default; an archived one
   * answers false (DISABLED, `ARCHIVED` in metadata), as /v1/evaluate does.
   */
  @Post(':key')
  @HttpCode(200)
  evaluate(
    @Actor() caller: Principal,
    @Param('key') key: string,
    @Body() body: unknown,
    @Headers() headers: Record<string, string | string[] | undefined>,
  ): OfrepSuccess {
    const environment = this.environmentOf(caller);
    const context = ofrepContext(body);
    // Answered from the projection as it is now: the caller holds the state of its applied seq.
    this.seen(headers, environment);
    const { result, flag } = this.live.one(key, environment, context);
    if (flag === undefined) throw new FlagNotFoundError(key);
    return ofrepSuccess(result, flag, environment);
  }

  /**
   * Every live flag for one context (archived ones left out, as evaluate/all does), what web providers
   * cache and poll. The ETag is a hash of this
   * evaluated body, never of the flags alone: the same flags answer differently for another context,
   * and a tag of the configuration would tell that client "not modified".
   */
  @Post()
  @HttpCode(200)
  evaluateAll(
    @Actor() caller: Principal,
    @Body() body: unknown,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Res() res: Response,
  ): void {
    const environment = this.environmentOf(caller);
    const { answers } = this.live.all(environment, ofrepContext(body));
    const evaluated = JSON.stringify({
      flags: answers.map(({ result, flag }) => ofrepSuccess(result, flag, environment)),
    });
    const etag = `"${sha256Hex(evaluated)}"`;
    this.seen(headers, environment, etag);
    res.setHeader('ETag', etag);
    if (ifNoneMatchNames(ifNoneMatch, etag)) res.status(304).end();
    else res.type('application/json').send(evaluated);
  }

  /**
   * GET /v1/clients lists an OFREP caller that names itself in `Flagledger-App` and/or
   * `Flagledger-Instance` (OFREP has no identity of its own; providers take custom headers), at the seq
   * its answer was evaluated at, with the bulk ETag it now holds. Names are cut to 128 characters.
   */
  private seen(headers: Record<string, string | string[] | undefined>, environment: string, etag?: string): void {
    this.clients.seen({
      kind: 'ofrep',
      appName: clientName(headers['flagledger-app']),
      instanceId: clientName(headers['flagledger-instance']),
      environment,
      appliedSeq: this.flags.appliedSeq,
      ...(etag === undefined ? {} : { etag }),
    });
  }

  private environmentOf(caller: Principal): string {
    const environment = servedEnvironment(caller, this.flags.defaultEnvironment);
    assertMayActIn(caller, [environment]);
    this.environments.require(environment);
    return environment;
  }
}
