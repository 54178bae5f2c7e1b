/** Projection rebuild from the log. */
export { ProjectionRebuild } from './projection-rebuild.js';
export { ReplayModule } from './replay.module.js';
