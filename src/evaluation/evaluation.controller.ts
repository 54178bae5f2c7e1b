import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { RequireRole } from '../auth/require-role.decorator.js';
import { evaluateFlag, type EvaluationResult } from '../evaluation-engine/index.js';
import { FlagStateReader } from '../flags/projections/live-flag-states.js';
import { EvaluateAllRequest, EvaluateRequest } from './evaluate.request.dto.js';

/** Answers from the in-memory projection only: no database read on the evaluation path. */
@Controller('v1/evaluate')
export class EvaluationController {
  constructor(private readonly flags: FlagStateReader) {}

  @Post()
  @HttpCode(200)
  @RequireRole('evaluator')
  evaluate(@Body() body: EvaluateRequest): EvaluationResult {
    return evaluateFlag(body.flagKey, this.flags.get(body.flagKey), body.context ?? {});
  }

  @Post('all')
  @HttpCode(200)
  @RequireRole('evaluator')
  evaluateAll(@Body() body: EvaluateAllRequest): { headSeq: number; results: EvaluationResult[] } {
    const context = body.context ?? {};
    const results = [...this.flags.all()]
      .filter((flag) => !flag.archived)
      .sort((a, b) => (a.key < b.key ? -1 : 1))
      .map((flag) => evaluateFlag(flag.key, flag, context));
    return { headSeq: this.flags.appliedSeq, results };
  }
}
