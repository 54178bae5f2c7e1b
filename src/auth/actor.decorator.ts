import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest, Principal } from './principal.js';

/** The authenticated principal; the guard guarantees it is present on every non-public route. */
export const Actor = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (principal === undefined) throw new Error('@Actor() used on a route without authentication');
  return principal;
});
