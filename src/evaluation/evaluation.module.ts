import { Module } from '@nestjs/common';
import { ConnectedClientsModule } from '../connected-clients/index.js';
import { DecisionLogModule } from '../decision-log/index.js';
import { EnvironmentsModule } from '../environments/index.js';
import { FlagsModule } from '../flags/index.js';
import { TelemetryModule } from '../telemetry/index.js';
import { EvaluationReportsController } from './evaluation-reports.controller.js';
import { EvaluationController } from './evaluation.controller.js';
import { LiveEvaluations } from './live-evaluations.js';

/** The evaluate routes and the SDKs' evaluation reports: every evaluation telemetry counts comes in here. */
@Module({
  imports: [FlagsModule, TelemetryModule, DecisionLogModule, EnvironmentsModule, ConnectedClientsModule],
  controllers: [EvaluationController, EvaluationReportsController],
  providers: [LiveEvaluations],
  exports: [LiveEvaluations],
})
export class EvaluationModule {}
