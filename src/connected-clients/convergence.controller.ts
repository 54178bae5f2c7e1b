import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { Actor, ActsIn, assertMayActIn, RequireRole, type Principal } from '../auth/index.js';
import { DATABASE, type Database } from '../database/index.js';
import { EnvironmentDirectory } from '../environments/index.js';
import { FlagNotFoundError, FlagStateReader } from '../flags/index.js';
import { latestFlagChange, type LatestFlagChange } from '../history/index.js';
import { ClientsQuery } from './clients.query.dto.js';
import { ConnectedClients } from './connected-clients.js';
import { flagConvergence, type FlagConvergence } from './flag-convergence.js';

export interface FlagConvergenceView extends FlagConvergence {
  flag: string;
  environment: string;
  latestChange: LatestFlagChange;
}

/** GET /v1/flags/:key/convergence (docs/contract.md §11): who holds a flag's latest change. */
@Controller('v1/flags')
export class ConvergenceController {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    private readonly clients: ConnectedClients,
    private readonly environments: EnvironmentDirectory,
    private readonly flags: FlagStateReader,
  ) {}

  /**
   * Of the clients seen in the last hour following `environment` (default: the default environment),
   * how many have applied the flag's latest change there (latestFlagChange), and which have not.
   */
  @Get(':key/convergence')
  // Absent means the default environment, not every one: the handler checks the one it acts in.
  @ActsIn.checkedByHandler()
  @RequireRole('viewer')
  async convergence(
    @Param('key') key: string,
    @Query() query: ClientsQuery,
    @Actor() caller: Principal,
  ): Promise<FlagConvergenceView> {
    const environment = query.environment ?? this.flags.defaultEnvironment;
    assertMayActIn(caller, [environment], 'environment');
    this.environments.require(environment, 'environment');
    const latestChange = await latestFlagChange(this.db, key, environment, this.flags.defaultEnvironment);
    if (latestChange === undefined) throw new FlagNotFoundError(key);
    const clients = await this.clients.list(environment);
    return { flag: key, environment, latestChange, ...flagConvergence(latestChange.seq, clients) };
  }
}
