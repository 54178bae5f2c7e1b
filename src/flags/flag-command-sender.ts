import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandContext } from './command-context.decorator.js';
import { ExecuteFlagCommand } from './commands/execute-flag-command.command.js';
import { etagOf } from './etag.js';
import type { FlagState } from './flag-state.js';
import type { FlagCommand } from './flag.commands.js';

/** Every command route, v1 or per environment: headers → metadata → CommandBus → status, ETag and the recorded body. */
@Injectable()
export class FlagCommandSender {
  constructor(private readonly commandBus: CommandBus) {}

  async send(
    key: string,
    command: FlagCommand,
    reason: string | null | undefined,
    ctx: CommandContext,
    environment?: string,
  ): Promise<unknown> {
    const { actor, expectedVersion, idempotency, response } = ctx;
    const outcome = await this.commandBus.execute(
      new ExecuteFlagCommand(
        key,
        command,
        { actor, reason: reason ?? null, expectedVersion, idempotency },
        environment,
      ),
    );
    // The status is the route's own (201 create, 200 otherwise), which is also what a replay recorded.
    const body = outcome.response.body as { flag?: FlagState | null };
    if (body.flag) response.setHeader('ETag', etagOf(body.flag.version));
    if (outcome.replayed) response.setHeader('Idempotent-Replayed', 'true');
    return outcome.response.body;
  }
}
