/** The opt-in decision log of evaluations. */
export { DECISION_LOG, type DecisionLog, type DecisionLogConfig } from './decision-log.js';
export { DecisionLogModule } from './decision-log.module.js';
