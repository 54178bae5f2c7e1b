import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { Actor, ActsIn, type Principal, RequireRole } from '../auth/index.js';
import { EnvironmentCommands, type EnvironmentCommandOutcome } from './environment-commands.js';
import { EnvironmentDirectory } from './environment-directory.js';
import type { Environment } from './environment.js';
import { ChangeEnvironmentRequest } from './requests/change-environment.request.dto.js';
import { CreateEnvironmentRequest } from './requests/create-environment.request.dto.js';

/** docs/contract.md §7: the environments, read by viewers, created and changed by admins. */
@Controller('v1/environments')
export class EnvironmentsController {
  constructor(
    private readonly directory: EnvironmentDirectory,
    private readonly commands: EnvironmentCommands,
  ) {}

  @Get()
  @ActsIn.noEnvironment()
  @RequireRole('viewer')
  list(): { environments: Environment[] } {
    return { environments: this.directory.all() };
  }

  @Get(':env')
  @ActsIn.noEnvironment()
  @RequireRole('viewer')
  get(@Param('env') key: string): Environment {
    return this.directory.require(key);
  }

  @Post()
  @ActsIn.noEnvironment()
  @HttpCode(201)
  @RequireRole('admin')
  create(@Body() body: CreateEnvironmentRequest, @Actor() actor: Principal): Promise<EnvironmentCommandOutcome> {
    const { key, name, type, requiredApprovals = 0, reason = null } = body;
    return this.commands.execute({ kind: 'create', key, name, type, requiredApprovals }, actor, reason);
  }

  @Patch(':env')
  @ActsIn.params('env')
  @RequireRole('admin')
  change(
    @Param('env') key: string,
    @Body() body: ChangeEnvironmentRequest,
    @Actor() actor: Principal,
  ): Promise<EnvironmentCommandOutcome> {
    const { name, type, requiredApprovals, reason = null } = body;
    return this.commands.execute(
      {
        kind: 'change',
        key,
        ...(name !== undefined ? { name } : {}),
        ...(type !== undefined ? { type } : {}),
        ...(requiredApprovals !== undefined ? { requiredApprovals } : {}),
      },
      actor,
      reason,
    );
  }
}
