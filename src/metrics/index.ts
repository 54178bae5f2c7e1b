/** GET /metrics in Prometheus text. */
export { FlagledgerMetrics } from './flagledger-metrics.js';
export { MetricsModule } from './metrics.module.js';
