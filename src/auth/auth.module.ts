import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { EventStoreModule } from '../event-store/index.js';
import { ConsoleSessions } from './session/console-sessions.js';
import { SessionController } from './session/session.controller.js';
import { FailedAuthentications } from './throttle/failed-authentications.js';
import { TokenGuard } from './token-guard.js';
import { TokenRegistry } from './token-registry.js';
import { TokenCommands } from './tokens/token-commands.js';
import { TokenDirectory } from './tokens/token-directory.js';
import { TokenLastUsed } from './tokens/token-last-used.js';
import { TokenViews } from './tokens/token-views.js';
import { TokensController } from './tokens/tokens.controller.js';

/**
 * Who is calling: API tokens (bootstrap and issued as events), console sessions, the guard every route
 * passes, and the throttle on failed authentications (exported for routes with a credential of their own).
 */
@Module({
  imports: [EventStoreModule],
  controllers: [SessionController, TokensController],
  providers: [
    TokenDirectory,
    TokenCommands,
    TokenRegistry,
    TokenLastUsed,
    TokenViews,
    ConsoleSessions,
    FailedAuthentications,
    { provide: APP_GUARD, useClass: TokenGuard },
  ],
  exports: [FailedAuthentications],
})
export class AuthModule {}
