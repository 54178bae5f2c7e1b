import { Module } from '@nestjs/common';
import { FlagsModule } from '../flags/index.js';
import { EvaluationController } from './evaluation.controller.js';

@Module({ imports: [FlagsModule], controllers: [EvaluationController] })
export class EvaluationModule {}
