import { Module } from '@nestjs/common';
import { EnvironmentsModule } from '../environments/index.js';
import { EventStoreModule } from '../event-store/index.js';
import { AuditTimelineController } from './audit-timeline.controller.js';
import { AuditTrailProjection } from './audit-trail.projection.js';
import { HistoryController } from './history.controller.js';

@Module({
  imports: [EventStoreModule, EnvironmentsModule],
  controllers: [HistoryController, AuditTimelineController],
  providers: [AuditTrailProjection],
})
export class HistoryModule {}
