import { SetMetadata } from '@nestjs/common';
import type { Role } from './roles.js';

export const REQUIRED_ROLE = 'flagledger:required-role';
export const PUBLIC_ROUTE = 'flagledger:public-route';

/** The weakest role that may call the route (docs/contract.md §4); a route without it is admin-only. */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

/** A route anyone may call, such as the liveness probe. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
