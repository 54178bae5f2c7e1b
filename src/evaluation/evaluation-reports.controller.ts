import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { RequireRole } from '../auth/index.js';
import { FlagStateReader } from '../flags/index.js';
import { CLOCK, type Clock } from '../shared/index.js';
import { EvaluationTelemetry } from '../telemetry/index.js';
import { countedFlagKey } from './counted-flag-key.js';
import { EvaluationReportRequest } from './evaluation-report.request.dto.js';

@Controller('v1/telemetry')
export class EvaluationReportsController {
  constructor(
    private readonly telemetry: EvaluationTelemetry,
    private readonly flags: FlagStateReader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** SDKs report their local evaluations in batches; they feed lastEvaluatedAt like server evaluations. */
  @Post('evaluations')
  @HttpCode(202)
  @RequireRole('evaluator')
  report(@Body() body: EvaluationReportRequest): { accepted: number } {
    // A client clock ahead of ours must not make a flag look evaluated in the future.
    const now = this.clock.now().getTime();
    for (const e of body.evaluations)
      this.telemetry.add(
        countedFlagKey(e.flagKey, this.flags.get(e.flagKey)),
        e.reason,
        e.count,
        Math.min(Date.parse(e.lastEvaluatedAt), now),
      );
    return { accepted: body.evaluations.length };
  }
}
