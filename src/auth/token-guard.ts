import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '../shared/index.js';
import { bearerCredential } from './bearer-credential.js';
import type { AuthenticatedRequest, Principal } from './principal.js';
import { PUBLIC_ROUTE, REQUIRED_ROLE } from './require-role.decorator.js';
import { roleSatisfies, type Role } from './roles.js';
import { ConsoleSessions, csrfMatches } from './session/console-sessions.js';
import { sessionCookieOf } from './session/session-cookie.js';
import { FailedAuthentications } from './throttle/failed-authentications.js';
import { TokenRegistry } from './token-registry.js';

export class UnauthenticatedError extends DomainError {
  constructor(detail: string) {
    super('UNAUTHENTICATED', detail);
  }
}

export class ForbiddenError extends DomainError {
  constructor(principal: Principal, required: Role) {
    super('FORBIDDEN', `token '${principal.name}' has role ${principal.role}; this route needs ${required}`);
  }
}

export class CsrfFailedError extends DomainError {
  constructor() {
    super(
      'CSRF_FAILED',
      'a write made with the console session cookie needs the X-Flagledger-CSRF header from GET /v1/session',
      [{ field: 'X-Flagledger-CSRF', message: 'must be the csrf value of this session' }],
    );
  }
}

/** Methods that change nothing: a cookie may read without the CSRF header (RFC 9110 §9.2.1). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authentication and nested-role authorisation for every route: a Bearer token (the API's way, checked
 * synchronously: the evaluation path waits on nothing), or else the console's session cookie, whose
 * writes must also carry the session's CSRF value (docs/contract.md §8).
 */
@Injectable()
export class TokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenRegistry,
    private readonly sessions: ConsoleSessions,
    private readonly failures: FailedAuthentications,
  ) {}

  /**
   * What each route requires, read from its metadata once (it never changes after start), by class and
   * then handler: a handler inherited by two controllers may sit under different class-level roles.
   */
  private readonly requiredByRoute = new WeakMap<object, WeakMap<object, Role | 'public'>>();

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const required = this.requiredRole(context);
    if (required === 'public') return true;
    const request = context
      .switchToHttp()
      .getRequest<AuthenticatedRequest & { method: string; headers: Record<string, string | string[] | undefined> }>();
    const cookie = request.headers.authorization === undefined ? sessionCookieOf(request) : undefined;
    if (cookie !== undefined)
      return this.authenticateSession(request, cookie, required).catch((error: unknown) => {
        throw this.failures.refused(request, error);
      });
    let principal: Principal;
    try {
      principal = this.authenticate(request.headers.authorization);
    } catch (error) {
      throw this.failures.refused(request, error);
    }
    return this.admit(request, principal, required);
  }

  private admit(request: AuthenticatedRequest, principal: Principal, required: Role): true {
    if (!roleSatisfies(principal.role, required)) throw new ForbiddenError(principal, required);
    request.principal = principal;
    return true;
  }

  private async authenticateSession(
    request: AuthenticatedRequest & { method: string; headers: Record<string, string | string[] | undefined> },
    cookie: string,
    required: Role,
  ): Promise<boolean> {
    const session = await this.sessions.find(cookie);
    if (session === undefined)
      throw new UnauthenticatedError('the console session expired or was signed out: sign in again');
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-flagledger-csrf'];
      if (!csrfMatches(typeof sent === 'string' ? sent : undefined, session.csrf)) throw new CsrfFailedError();
    }
    return this.admit(request, session.principal, required);
  }

  private requiredRole(context: ExecutionContext): Role | 'public' {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byHandler = this.requiredByRoute.get(controller);
    if (byHandler === undefined) this.requiredByRoute.set(controller, (byHandler = new WeakMap()));
    let required = byHandler.get(handler);
    if (required === undefined) {
      const targets = [handler, controller];
      required = this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)
        ? 'public'
        : (this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, targets) ?? 'admin');
      byHandler.set(handler, required);
    }
    return required;
  }

  private authenticate(header: string | string[] | undefined): Principal {
    if (typeof header !== 'string' || header === '')
      throw new UnauthenticatedError('missing Authorization: Bearer <token>');
    const secret = bearerCredential(header);
    if (secret === undefined) throw new UnauthenticatedError('Authorization must be "Bearer <token>"');
    const principal = this.tokens.bySecret(secret);
    if (principal === undefined) throw new UnauthenticatedError('unknown token');
    return principal;
  }
}
