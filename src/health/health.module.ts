import { Module } from '@nestjs/common';
import { FlagsModule } from '../flags/index.js';
import { HealthController } from './health.controller.js';

@Module({ imports: [FlagsModule], controllers: [HealthController] })
export class HealthModule {}
