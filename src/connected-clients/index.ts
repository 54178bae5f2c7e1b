/**
 * Connected clients (docs/contract.md §11): GET /v1/clients and GET /v1/flags/:key/convergence. A route
 * serving an SDK imports ConnectedClientsModule and calls `ConnectedClients.seen(...)` (Unleash's client
 * API, OFREP, the SDK's evaluation reports), naming names it read from headers through clientName().
 */
export {
  CLIENT_KINDS,
  clientName,
  MAX_CLIENT_NAME_LENGTH,
  MAX_TRACKED_CLIENTS,
  type ClientKind,
  type ClientSighting,
  type ConnectedClient,
} from './client-sighting.js';
export type { ClientSightingTable } from './client-sighting.table.js';
export { ConnectedClients } from './connected-clients.js';
export { ConnectedClientsModule } from './connected-clients.module.js';
