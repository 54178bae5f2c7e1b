import type { Role } from './roles.js';

/** Who is calling, as established by the token guard. Its name is the actor recorded on events. */
export interface Principal {
  name: string;
  role: Role;
}

export interface AuthenticatedRequest {
  principal?: Principal;
}
