import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { Actor, ActsIn, assertMayActIn, RequireRole, type Principal } from '../auth/index.js';
import { ConnectedClients } from '../connected-clients/index.js';
import { EnvironmentDirectory } from '../environments/index.js';
import { FlagStateReader } from '../flags/index.js';
import { CLOCK, type Clock } from '../shared/index.js';
import { EvaluationTelemetry } from '../telemetry/index.js';
import { countedFlagKey } from './counted-flag-key.js';
import { ReportedEnvironmentNotFoundError } from './evaluation-report.errors.js';
import { EvaluationReportRequest } from './evaluation-report.request.dto.js';

@Controller('v1/telemetry')
export class EvaluationReportsController {
  constructor(
    private readonly telemetry: EvaluationTelemetry,
    private readonly flags: FlagStateReader,
    private readonly environments: EnvironmentDirectory,
    private readonly clients: ConnectedClients,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * SDKs report their local evaluations in batches; they feed lastEvaluatedAt like server evaluations,
   * in the environment each line (or else the report) names, the default one if neither does. A report
   * naming its SDK instance lists it in GET /v1/clients, following the report's environment.
   */
  @Post('evaluations')
  @ActsIn.checkedByHandler()
  @HttpCode(202)
  @RequireRole('evaluator')
  report(@Body() body: EvaluationReportRequest, @Actor() reporter: Principal): { accepted: number } {
    const environments = this.environmentsOf(body);
    // A token scoped to staging reports staging's evaluations only: production's lastEvaluatedAt is not its to move.
    assertMayActIn(reporter, [...new Set(environments)], 'environment');
    const followed = body.environment ?? this.flags.defaultEnvironment;
    const identified = body.appName !== undefined || body.instanceId !== undefined;
    // Only the token's own environments: a scoped token's client is never listed under production.
    if (identified) assertMayActIn(reporter, [followed], 'environment');
    // A client clock ahead of ours must not make a flag look evaluated in the future.
    const now = this.clock.now().getTime();
    body.evaluations.forEach((e, i) =>
      this.telemetry.add(
        countedFlagKey(e.flagKey, this.flags.get(e.flagKey)),
        e.reason,
        e.count,
        Math.min(Date.parse(e.lastEvaluatedAt), now),
        environments[i],
      ),
    );
    if (identified)
      this.clients.seen({
        kind: 'flagledger-sdk',
        appName: body.appName,
        instanceId: body.instanceId,
        environment: followed,
        appliedSeq: body.appliedSeq ?? null,
      });
    return { accepted: body.evaluations.length };
  }

  /**
   * Each line's environment, all checked before anything is counted: a report naming one that does not
   * exist is refused whole (404, naming every such field), so telemetry only ever holds environments that
   * exist and a client cannot grow it with names of its own.
   */
  private environmentsOf(body: EvaluationReportRequest): string[] {
    const unknown: { field: string; environment: string }[] = [];
    const exists = (environment: string, field: string) => {
      if (this.environments.get(environment) === undefined) unknown.push({ field, environment });
    };
    const fallback = body.environment ?? this.flags.defaultEnvironment;
    if (body.environment !== undefined) exists(body.environment, 'environment');
    const environments = body.evaluations.map((e, i) => {
      if (e.environment === undefined) return fallback;
      exists(e.environment, `evaluations.${i}.environment`);
      return e.environment;
    });
    if (unknown.length > 0) throw new ReportedEnvironmentNotFoundError(unknown);
    return environments;
  }
}
