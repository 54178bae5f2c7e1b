import { Module } from '@nestjs/common';
import { AuditTimelineController } from './audit-timeline.controller.js';
import { AuditTrailProjection } from './audit-trail.projection.js';
import { HistoryController } from './history.controller.js';

@Module({ controllers: [HistoryController, AuditTimelineController], providers: [AuditTrailProjection] })
export class HistoryModule {}
