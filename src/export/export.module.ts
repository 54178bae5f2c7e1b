import { Module } from '@nestjs/common';
import { ExportController } from './export.controller.js';
import { ExportStreams } from './export-streams.js';

@Module({ controllers: [ExportController], providers: [ExportStreams], exports: [ExportStreams] })
export class ExportModule {}
