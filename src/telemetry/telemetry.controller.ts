import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { RequireRole } from '../auth/index.js';
import { CLOCK, type Clock } from '../shared/index.js';
import { EvaluationReportRequest } from './evaluation-report.request.dto.js';
import { EvaluationTelemetry } from './evaluation-telemetry.js';

@Controller('v1/telemetry')
export class TelemetryController {
  constructor(
    private readonly telemetry: EvaluationTelemetry,
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
      this.telemetry.add(e.flagKey, e.reason, e.count, Math.min(Date.parse(e.lastEvaluatedAt), now));
    return { accepted: body.evaluations.length };
  }
}
