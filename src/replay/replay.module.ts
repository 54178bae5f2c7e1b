import { Module } from '@nestjs/common';
import { EventStoreModule } from '../event-store/index.js';
import { ProjectionRebuild } from './projection-rebuild.js';
import { ReplayController } from './replay.controller.js';

@Module({
  imports: [EventStoreModule],
  controllers: [ReplayController],
  providers: [ProjectionRebuild],
  exports: [ProjectionRebuild],
})
export class ReplayModule {}
