import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type AppConfig } from '../config/index.js';
import { APP_CONFIG, DomainError, sha256Hex } from '../shared/index.js';
import type { AuthenticatedRequest, Principal } from './principal.js';
import { PUBLIC_ROUTE, REQUIRED_ROLE } from './require-role.decorator.js';
import { roleSatisfies, type Role } from './roles.js';

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

/**
 * Bearer-token authentication and nested-role authorisation for every route. Secrets are compared by
 * their SHA-256, so the lookup time does not depend on how much of a guessed secret is right.
 */
@Injectable()
export class TokenGuard implements CanActivate {
  private readonly bySecretHash: ReadonlyMap<string, Principal>;

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.bySecretHash = new Map(config.tokens.map((t) => [sha256Hex(t.secret), { name: t.name, role: t.role }]));
  }

  /**
   * What each route requires, read from its metadata once (it never changes after start), by class and
   * then handler: a handler inherited by two controllers may sit under different class-level roles.
   */
  private readonly requiredByRoute = new WeakMap<object, WeakMap<object, Role | 'public'>>();

  canActivate(context: ExecutionContext): boolean {
    const required = this.requiredRole(context);
    if (required === 'public') return true;
    const request = context
      .switchToHttp()
      .getRequest<AuthenticatedRequest & { headers: Record<string, string | string[] | undefined> }>();
    const principal = this.authenticate(request.headers.authorization);
    if (!roleSatisfies(principal.role, required)) throw new ForbiddenError(principal, required);
    request.principal = principal;
    return true;
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
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null) throw new UnauthenticatedError('Authorization must be "Bearer <token>"');
    const principal = this.bySecretHash.get(sha256Hex(match[1]!));
    if (principal === undefined) throw new UnauthenticatedError('unknown token');
    return principal;
  }
}
