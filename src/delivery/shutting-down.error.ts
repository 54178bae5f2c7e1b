import { DomainError } from '../shared/index.js';

/** A stream asked for after shutdown began; the client retries and reaches the next instance. */
export class ShuttingDownError extends DomainError {
  constructor() {
    super('SHUTTING_DOWN', 'the server is shutting down; reconnect shortly');
  }
}
