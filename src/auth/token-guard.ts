import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AppConfig } from '../config/index.js';
import { APP_CONFIG, DomainError } from '../shared/index.js';
import { ACCEPTS_API_KEY_HEADER } from './accepts-api-key-header.decorator.js';
import { ACCEPTS_RAW_TOKEN } from './accepts-raw-token.decorator.js';
import { bearerCredential, rawCredential } from './bearer-credential.js';
import { assertMayActIn, EVERY_ENVIRONMENT, type EnvironmentsNeeded } from './environment-forbidden.js';
import { ENVIRONMENT_SCOPE, type EnvironmentScope } from './environment-scope.js';
import type { AuthenticatedRequest, Principal } from './principal.js';
import { PUBLIC_ROUTE, REQUIRED_ROLE } from './require-role.decorator.js';
import { roleSatisfies, type Role } from './roles.js';
import { ConsoleSessions, csrfMatches } from './session/console-sessions.js';
import { sessionCookieOf } from './session/session-cookie.js';
import { FailedAuthentications } from './throttle/failed-authentications.js';
import { TokenRegistry } from './token-registry.js';
import { TokenLastUsed } from './tokens/token-last-used.js';

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

type GuardedRequest = AuthenticatedRequest & {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string | undefined>;
  query?: Record<string, unknown>;
};

/** What a route needs to run: a role, and the environments a scoped token must hold (docs/contract.md §9). */
interface RouteNeeds {
  role: Role;
  scope: EnvironmentScope | undefined;
  /** The Authorization header may hold the bare token (AcceptsRawToken). */
  rawToken: boolean;
  /** An X-API-Key header may hold the token when Authorization is absent (AcceptsApiKeyHeader). */
  apiKeyHeader: boolean;
}

/** Methods that change nothing: a cookie may read without the CSRF header (RFC 9110 §9.2.1). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authentication and nested-role authorisation for every route: a Bearer token (the API's way, checked
 * synchronously: the evaluation path waits on nothing), or else the console's session cookie, whose
 * writes must also carry the session's CSRF value (docs/contract.md §8). Then a token scoped to some
 * environments is held to them, by what the route declares it acts in (`ActsIn`).
 */
@Injectable()
export class TokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenRegistry,
    private readonly sessions: ConsoleSessions,
    private readonly lastUsed: TokenLastUsed,
    private readonly failures: FailedAuthentications,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.defaultEnvironment = config.defaultEnvironment;
  }

  private readonly defaultEnvironment: string;

  /**
   * What each route requires, read from its metadata once (it never changes after start), by class and
   * then handler: a handler inherited by two controllers may sit under different class-level roles.
   */
  private readonly needsByRoute = new WeakMap<object, WeakMap<object, RouteNeeds | 'public'>>();

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const needs = this.routeNeeds(context);
    if (needs === 'public') return true;
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const apiKey = needs.apiKeyHeader ? request.headers['x-api-key'] : undefined;
    const cookie =
      request.headers.authorization === undefined && apiKey === undefined ? sessionCookieOf(request) : undefined;
    if (cookie !== undefined)
      return this.authenticateSession(request, cookie, needs).catch((error: unknown) => {
        throw this.failures.refused(request, error);
      });
    let principal: Principal;
    try {
      principal =
        request.headers.authorization === undefined && apiKey !== undefined
          ? this.authenticateApiKey(apiKey)
          : this.authenticate(request.headers.authorization, needs.rawToken);
    } catch (error) {
      throw this.failures.refused(request, error);
    }
    return this.admit(request, principal, needs);
  }

  private admit(request: GuardedRequest, principal: Principal, needs: RouteNeeds): true {
    if (!roleSatisfies(principal.role, needs.role)) throw new ForbiddenError(principal, needs.role);
    if (principal.environments !== null && needs.scope?.kind !== 'handler' && needs.scope?.kind !== 'none')
      this.holdToScope(request, principal, needs.scope);
    this.lastUsed.used(principal.tokenId);
    request.principal = principal;
    return true;
  }

  private holdToScope(request: GuardedRequest, principal: Principal, scope: EnvironmentScope | undefined): void {
    let needed: EnvironmentsNeeded = EVERY_ENVIRONMENT;
    let field: string | undefined;
    if (scope?.kind === 'default') needed = [this.defaultEnvironment];
    else if (scope?.kind === 'params') {
      needed = scope.names.map((name) => request.params?.[name] ?? '');
      field = scope.names.join(', ');
    } else if (scope?.kind === 'query') {
      const asked = request.query?.[scope.name];
      const keys = typeof asked === 'string' ? [asked] : Array.isArray(asked) ? asked.map(String) : [];
      if (keys.length > 0 && !keys.includes('*')) needed = keys;
      field = scope.name;
    }
    assertMayActIn(principal, needed, field);
  }

  private async authenticateSession(request: GuardedRequest, cookie: string, needs: RouteNeeds): Promise<boolean> {
    const session = await this.sessions.find(cookie);
    if (session === undefined)
      throw new UnauthenticatedError('the console session expired or was signed out: sign in again');
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-flagledger-csrf'];
      if (!csrfMatches(typeof sent === 'string' ? sent : undefined, session.csrf)) throw new CsrfFailedError();
    }
    return this.admit(request, session.principal, needs);
  }

  private routeNeeds(context: ExecutionContext): RouteNeeds | 'public' {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byHandler = this.needsByRoute.get(controller);
    if (byHandler === undefined) this.needsByRoute.set(controller, (byHandler = new WeakMap()));
    let needs = byHandler.get(handler);
    if (needs === undefined) {
      const targets = [handler, controller];
      needs = this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)
        ? 'public'
        : {
            role: this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, targets) ?? 'admin',
            scope: this.reflector.getAllAndOverride<EnvironmentScope | undefined>(ENVIRONMENT_SCOPE, targets),
            rawToken: this.reflector.getAllAndOverride<boolean | undefined>(ACCEPTS_RAW_TOKEN, targets) === true,
            apiKeyHeader:
              this.reflector.getAllAndOverride<boolean | undefined>(ACCEPTS_API_KEY_HEADER, targets) === true,
          };
      byHandler.set(handler, needs);
    }
    return needs;
  }

  private authenticate(header: string | string[] | undefined, rawToken: boolean): Principal {
    if (typeof header !== 'string' || header === '')
      throw new UnauthenticatedError('missing Authorization: Bearer <token>');
    const secret = bearerCredential(header) ?? (rawToken ? rawCredential(header) : undefined);
    if (secret === undefined) throw new UnauthenticatedError('Authorization must be "Bearer <token>"');
    return this.known(secret);
  }

  /** The token of an X-API-Key header, which holds nothing else. */
  private authenticateApiKey(header: string | string[]): Principal {
    const secret = typeof header === 'string' ? rawCredential(header) : undefined;
    if (secret === undefined) throw new UnauthenticatedError('X-API-Key must hold one token and nothing else');
    return this.known(secret);
  }

  private known(secret: string): Principal {
    const principal = this.tokens.bySecret(secret);
    if (principal === undefined) throw new UnauthenticatedError('unknown token');
    return principal;
  }
}
