import { Command } from '@nestjs/cqrs';
import type { Principal } from '../../auth/index.js';
import type { RecordedResponse } from '../../event-store/index.js';
import type { FlagCommand } from '../flag.commands.js';

/** What a command carries besides its intent: who, why, and the client's concurrency/retry guards. */
export interface CommandMetadata {
  actor: Principal;
  reason: string | null;
  /** From If-Match: the command applies only if the flag is at exactly this version. */
  expectedVersion?: number;
  /** From Idempotency-Key, with the fingerprint of the request it was first used for. */
  idempotency?: { key: string; fingerprint: string };
}

export interface FlagCommandOutcome {
  response: RecordedResponse;
  /** True when the response is the one recorded for an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

/** Any flag command, on its way through the CommandBus to the one handler that decides and appends. */
export class ExecuteFlagCommand extends Command<FlagCommandOutcome> {
  /**
   * `environment`: the one an environment route names (it exists: the route checked), which the command
   * acts in and the answer shows the flag in; without it, the default environment, answered in the v1 shape.
   */
  constructor(
    readonly flagKey: string,
    readonly command: FlagCommand,
    readonly metadata: CommandMetadata,
    readonly environment?: string,
  ) {
    super();
  }
}
