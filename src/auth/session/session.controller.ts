import { Body, Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Actor } from '../actor.decorator.js';
import { ActsIn } from '../environment-scope.js';
import type { Principal } from '../principal.js';
import { Public, RequireRole } from '../require-role.decorator.js';
import { FailedAuthentications } from '../throttle/failed-authentications.js';
import { UnauthenticatedError } from '../token-guard.js';
import { ConsoleSessions } from './console-sessions.js';
import { clearSessionCookie, sessionCookieOf, setSessionCookie } from './session-cookie.js';
import { OpenSessionRequest } from './session.request.dto.js';

interface SessionAnswer {
  principal: Principal;
  /** Send it back as X-Flagledger-CSRF on every cookie-authenticated write; null for a bearer token. */
  csrf: string | null;
  expiresAt: string | null;
}

/** docs/contract.md §8: the console signs in with a token and goes on with a cookie. */
@Controller('v1/session')
export class SessionController {
  constructor(
    private readonly sessions: ConsoleSessions,
    private readonly failures: FailedAuthentications,
  ) {}

  @Post()
  @Public()
  @HttpCode(201)
  async open(
    @Body() body: OpenSessionRequest,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionAnswer> {
    const session = await this.sessions.open(body.token);
    // Signing in is guessing a token as much as a bearer header is: the same throttle.
    if (session === undefined) throw this.failures.refused(request, new UnauthenticatedError('unknown token'));
    setSessionCookie(request, response, session.id, this.sessions.ttlSeconds);
    response.setHeader('Cache-Control', 'no-store');
    return { principal: session.principal, csrf: session.csrf, expiresAt: session.expiresAt };
  }

  /** Who is signed in, and the CSRF value the console sends with writes. Any role, cookie or bearer. */
  @Get()
  @ActsIn.noEnvironment()
  @RequireRole('evaluator')
  async current(
    @Actor() principal: Principal,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionAnswer> {
    response.setHeader('Cache-Control', 'no-store');
    const id = request.headers.authorization === undefined ? sessionCookieOf(request) : undefined;
    const session = id === undefined ? undefined : await this.sessions.find(id);
    return { principal, csrf: session?.csrf ?? null, expiresAt: session?.expiresAt ?? null };
  }

  /** Signs out: the session is gone on every instance, and the cookie is cleared. Public, so an expired session can sign out too. */
  @Delete()
  @Public()
  @HttpCode(204)
  async close(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    const id = sessionCookieOf(request);
    if (id !== undefined) await this.sessions.close(id);
    clearSessionCookie(request, response);
  }
}
