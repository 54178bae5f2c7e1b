import { Module } from '@nestjs/common';
import { EventStoreModule } from '../event-store/index.js';
import { FlagsModule } from '../flags/index.js';
import { HealthController } from './health.controller.js';

@Module({ imports: [EventStoreModule, FlagsModule], controllers: [HealthController] })
export class HealthModule {}
