export { pingSessionMetrics } from './prometheus';
export type { PingSessionMetrics, PingSessionMetricsOptions } from './prometheus';
