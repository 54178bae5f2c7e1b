import { Module } from '@nestjs/common';
import { ConnectedClientsModule } from '../connected-clients/index.js';
import { EnvironmentsModule } from '../environments/index.js';
import { EvaluationModule } from '../evaluation/index.js';
import { FlagsModule } from '../flags/index.js';
import { OfrepController } from './ofrep.controller.js';

/** OpenFeature's Remote Evaluation Protocol over Flagledger's flags: what OFREP providers in every language call. */
@Module({
  imports: [FlagsModule, EnvironmentsModule, EvaluationModule, ConnectedClientsModule],
  controllers: [OfrepController],
})
export class OfrepModule {}
