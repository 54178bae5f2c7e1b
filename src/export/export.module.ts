import { Module } from '@nestjs/common';
import { EnvironmentsModule } from '../environments/index.js';
import { EventStoreModule } from '../event-store/index.js';
import { ExportStreams } from './export-streams.js';
import { ExportController } from './export.controller.js';

@Module({
  imports: [EventStoreModule, EnvironmentsModule],
  controllers: [ExportController],
  providers: [ExportStreams],
  exports: [ExportStreams],
})
export class ExportModule {}
