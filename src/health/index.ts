/** GET /health (liveness) and GET /ready (readiness), and the header that says answers may be stale. */
export { HealthModule } from './health.module.js';
export { STALE_HEADER, staleHeader } from './stale-header.js';
