import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ConsoleSessions } from './session/console-sessions.js';
import { SessionController } from './session/session.controller.js';
import { TokenGuard } from './token-guard.js';
import { TokenRegistry } from './token-registry.js';

/** Who is calling: API tokens, console sessions, and the guard every route passes. */
@Module({
  controllers: [SessionController],
  providers: [TokenRegistry, ConsoleSessions, { provide: APP_GUARD, useClass: TokenGuard }],
})
export class AuthModule {}
