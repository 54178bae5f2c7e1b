import { Module } from '@nestjs/common';
import { FlagsModule } from '../flags/flags.module.js';
import { HealthController } from './health.controller.js';

@Module({ imports: [FlagsModule], controllers: [HealthController] })
export class HealthModule {}
