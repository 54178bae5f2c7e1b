import { Module } from '@nestjs/common';
import { ExportStreams } from './export-streams.js';
import { ExportController } from './export.controller.js';

@Module({ controllers: [ExportController], providers: [ExportStreams], exports: [ExportStreams] })
export class ExportModule {}
