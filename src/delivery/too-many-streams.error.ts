import { DomainError } from '../shared/index.js';

/** The principal already holds as many change streams as it may; it should reuse one (one per SDK client). */
export class TooManyStreamsError extends DomainError {
  constructor(principal: string, limit: number) {
    super(
      'TOO_MANY_STREAMS',
      `'${principal}' already has ${limit} open streams, the most one token may hold; close one, or share one SDK client per process`,
      [
        {
          field: 'Authorization',
          message: `at most ${limit} concurrent streams per token (FLAGLEDGER_MAX_STREAMS_PER_TOKEN)`,
        },
      ],
    );
  }
}
