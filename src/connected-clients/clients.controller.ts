import { Controller, Get, Query } from '@nestjs/common';
import { ActsIn, RequireRole } from '../auth/index.js';
import { EnvironmentDirectory } from '../environments/index.js';
import { FlagStateReader } from '../flags/index.js';
import type { ConnectedClient } from './client-sighting.js';
import { ClientsQuery } from './clients.query.dto.js';
import { ConnectedClients } from './connected-clients.js';

/** GET /v1/clients (docs/contract.md §11): the SDK instances seen in the last hour, on any instance. */
@Controller('v1/clients')
export class ClientsController {
  constructor(
    private readonly clients: ConnectedClients,
    private readonly environments: EnvironmentDirectory,
    private readonly flags: FlagStateReader,
  ) {}

  /**
   * Every kind of client in every environment, or in the one `environment=` names (a token scoped to
   * environments must name one of its own: without it the route shows every environment's clients).
   * `headSeq` is this instance's, to read each client's appliedSeq against.
   */
  @Get()
  @ActsIn.query('environment')
  @RequireRole('viewer')
  async list(@Query() query: ClientsQuery): Promise<{ headSeq: number; clients: ConnectedClient[] }> {
    if (query.environment !== undefined) this.environments.require(query.environment, 'environment');
    const headSeq = this.flags.appliedSeq;
    return { headSeq, clients: await this.clients.list(query.environment) };
  }
}
