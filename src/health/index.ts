/** GET /health. */
export { HealthModule } from './health.module.js';
