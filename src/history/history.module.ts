import { Module } from '@nestjs/common';
import { AuditTrailProjection } from './audit-trail.projection.js';
import { HistoryController } from './history.controller.js';

@Module({ controllers: [HistoryController], providers: [AuditTrailProjection] })
export class HistoryModule {}
