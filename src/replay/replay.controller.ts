import { Controller, HttpCode, Post } from '@nestjs/common';
import { ActsIn, RequireRole } from '../auth/index.js';
import { ProjectionRebuild, type RebuildReport } from './projection-rebuild.js';

@Controller('v1/admin/projections')
export class ReplayController {
  constructor(private readonly rebuild: ProjectionRebuild) {}

  /** Replays every event into fresh projections and swaps them in; answers when the swap is done. */
  @Post('rebuild')
  @ActsIn.noEnvironment()
  @HttpCode(200)
  @RequireRole('admin')
  run(): Promise<RebuildReport> {
    return this.rebuild.rebuild();
  }
}
