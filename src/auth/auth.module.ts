import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TokenGuard } from './token-guard.js';

@Module({ providers: [{ provide: APP_GUARD, useClass: TokenGuard }] })
export class AuthModule {}
