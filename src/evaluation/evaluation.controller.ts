import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ActsIn, RequireRole } from '../auth/index.js';
import { EnvironmentDirectory } from '../environments/index.js';
import { evaluateFlag, type EvaluationContext, type EvaluationResult } from '../evaluation-engine/index.js';
import { type FlagState, FlagStateReader, FlagTimeTravel } from '../flags/index.js';
import { StrictValidationPipe } from '../http/index.js';
import { EvaluateAllRequest, EvaluateRequest, plainEvaluateRequest } from './evaluate.request.dto.js';
import { liveFlagsInKeyOrder, LiveEvaluations } from './live-evaluations.js';

const validation = new StrictValidationPipe();

/**
 * Answers from the in-memory projection only: no database read on the evaluation path. With `asOf` the
 * same engine answers against the flags as they were then, read from the log. The v1 routes answer in the
 * default environment; /v1/environments/:env/… in the one they name (docs/contract.md §7).
 */
@Controller('v1')
export class EvaluationController {
  constructor(
    private readonly flags: FlagStateReader,
    private readonly timeTravel: FlagTimeTravel,
    private readonly live: LiveEvaluations,
    private readonly environments: EnvironmentDirectory,
  ) {}

  /**
   * The body is typed `unknown`, so the global validation pipe hands it over untouched: the usual shape is
   * recognised by hand (plainEvaluateRequest), anything else goes through the same pipe here, with the same
   * errors. class-transformer and class-validator were a tenth of the server's CPU per evaluation.
   */
  @Post('evaluate')
  @ActsIn.defaultEnvironment()
  @HttpCode(200)
  @RequireRole('evaluator')
  evaluate(@Body() raw: unknown): EvaluationResult | Promise<EvaluationResult> {
    return this.evaluateIn(this.flags.defaultEnvironment, raw);
  }

  @Post('environments/:env/evaluate')
  @ActsIn.params('env')
  @HttpCode(200)
  @RequireRole('evaluator')
  evaluateInEnvironment(@Param('env') environment: string, @Body() raw: unknown) {
    this.environments.require(environment);
    return this.evaluateIn(environment, raw);
  }

  private evaluateIn(environment: string, raw: unknown): EvaluationResult | Promise<EvaluationResult> {
    const plain = plainEvaluateRequest(raw);
    if (plain !== undefined) return this.answer(environment, plain);
    return (validation.transform(raw, { type: 'body', metatype: EvaluateRequest }) as Promise<EvaluateRequest>).then(
      (body) => this.answer(environment, body),
    );
  }

  private answer(
    environment: string,
    body: Pick<EvaluateRequest, 'flagKey' | 'context' | 'asOf'>,
  ): EvaluationResult | Promise<EvaluationResult> {
    const context = body.context ?? {};
    if (body.asOf !== undefined)
      return this.timeTravel
        .flag(body.flagKey, { asOf: body.asOf }, environment)
        .then((flag) => evaluateFlag(body.flagKey, flag, context));
    // Only live answers count as evaluations; a question about the past is an audit, not a use.
    return this.live.one(body.flagKey, environment, context).result;
  }

  @Post('evaluate/all')
  @ActsIn.defaultEnvironment()
  @HttpCode(200)
  @RequireRole('evaluator')
  evaluateAll(@Body() body: EvaluateAllRequest): EvaluatedAll | Promise<EvaluatedAll> {
    return this.evaluateAllIn(this.flags.defaultEnvironment, body);
  }

  @Post('environments/:env/evaluate/all')
  @ActsIn.params('env')
  @HttpCode(200)
  @RequireRole('evaluator')
  evaluateAllInEnvironment(@Param('env') environment: string, @Body() body: EvaluateAllRequest) {
    this.environments.require(environment);
    return this.evaluateAllIn(environment, body);
  }

  private evaluateAllIn(environment: string, body: EvaluateAllRequest): EvaluatedAll | Promise<EvaluatedAll> {
    const context = body.context ?? {};
    if (body.asOf !== undefined)
      return this.timeTravel
        .all(body.asOf, environment)
        .then(({ flags, headSeq }) => evaluateEach(flags, headSeq, context));
    const { headSeq, answers } = this.live.all(environment, context);
    return { headSeq, results: answers.map(({ result }) => result) };
  }
}

interface EvaluatedAll {
  headSeq: number;
  results: EvaluationResult[];
}

function evaluateEach(flags: Iterable<FlagState>, headSeq: number, context: EvaluationContext): EvaluatedAll {
  return { headSeq, results: liveFlagsInKeyOrder(flags).map((flag) => evaluateFlag(flag.key, flag, context)) };
}
