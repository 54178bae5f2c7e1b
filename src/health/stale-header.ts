import type { RequestHandler } from 'express';
import type { StoreHealth } from '../event-store/index.js';

export const STALE_HEADER = 'Flagledger-Stale';

/**
 * While the event store is down, every answer says so: reads and evaluations go on from the in-memory
 * state, which cannot move until the store is back, and a client can tell that from a fresh answer.
 */
export function staleHeader(health: StoreHealth): RequestHandler {
  return (_req, res, next) => {
    if (!health.state.up) res.setHeader(STALE_HEADER, 'store-unavailable');
    next();
  };
}
