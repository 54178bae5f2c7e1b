import { Module } from '@nestjs/common';
import { ProjectionRebuild } from './projection-rebuild.js';
import { ReplayController } from './replay.controller.js';

@Module({ controllers: [ReplayController], providers: [ProjectionRebuild], exports: [ProjectionRebuild] })
export class ReplayModule {}
