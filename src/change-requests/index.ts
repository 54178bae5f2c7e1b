/** Four eyes (docs/contract.md §10): change requests, their review and their apply. */
export { ChangeRequestsModule } from './change-requests.module.js';
export { ChangeRequestDirectory } from './change-request-directory.js';
export { SCHEDULE_TICK_INTERVAL, SCHEDULE_TICK_MS } from './change-request-schedule.js';
