/** Authentication and roles: the global token guard, route role decorators, the acting principal. */
export { AcceptsRawToken } from './accepts-raw-token.decorator.js';
export { Actor } from './actor.decorator.js';
export { AuthModule } from './auth.module.js';
export { assertMayActIn } from './environment-forbidden.js';
export { ActsIn } from './environment-scope.js';
export { bearerCredential } from './bearer-credential.js';
export { FailedAuthentications } from './throttle/failed-authentications.js';
export { UnauthenticatedError } from './token-guard.js';
export type { AuthenticatedRequest, Principal } from './principal.js';
export { recordedActor, type RecordedActor } from './recorded-actor.js';
export { Public, RequireRole } from './require-role.decorator.js';
export type { ConsoleSessionTable } from './session/console-session.table.js';
export type { TokenLastUsedTable } from './tokens/token-last-used.table.js';
export { isRole, type Role } from './roles.js';
export { TokenRegistry } from './token-registry.js';
export { TokenCommands } from './tokens/token-commands.js';
export { IssueTokenRequest, ListTokensQuery, RevokeTokenRequest } from './tokens/token.requests.dto.js';
export { TokenViews, type TokenView } from './tokens/token-views.js';
