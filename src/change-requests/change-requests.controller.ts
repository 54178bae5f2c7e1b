import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { Actor, ActsIn, assertMayActIn, RequireRole, type Principal } from '../auth/index.js';
import { FlagStateReader } from '../flags/index.js';
import { ChangeRequestCommands, type AppliedOutcome, type ChangeRequestOutcome } from './change-request-commands.js';
import { ChangeRequestDirectory } from './change-request-directory.js';
import { changeRequestView, type ChangeRequestView } from './change-request-view.js';
import {
  AcknowledgeBreakGlassRequest,
  ApproveChangeRequestRequest,
  ChangeRequestReasonRequest,
  CreateChangeRequestRequest,
  ListChangeRequestsQuery,
  RejectChangeRequestRequest,
  ReplaceChangesRequest,
} from './change-request.requests.dto.js';

type Answer = { changeRequest: ChangeRequestView; event: ChangeRequestOutcome['event'] };

/**
 * docs/contract.md §10. Every route acts in the request's environment, which the handler knows only once
 * it has read the body or the request: a scoped token is held to it there (assertMayActIn).
 */
@Controller('v1/change-requests')
@ActsIn.checkedByHandler()
export class ChangeRequestsController {
  constructor(
    private readonly commands: ChangeRequestCommands,
    private readonly directory: ChangeRequestDirectory,
    private readonly flags: FlagStateReader,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireRole('editor')
  async create(@Body() body: CreateChangeRequestRequest, @Actor() by: Principal): Promise<Answer> {
    assertMayActIn(by, [body.environment], 'environment');
    return this.answer(await this.commands.create(body, by));
  }

  /** Newest first; a scoped token sees the requests of its environments. */
  @Get()
  @RequireRole('viewer')
  list(@Query() query: ListChangeRequestsQuery, @Actor() by: Principal): { changeRequests: ChangeRequestView[] } {
    if (query.environment !== undefined) assertMayActIn(by, [query.environment], 'environment');
    const requests = this.directory
      .all()
      .filter((r) => by.environments === null || by.environments.includes(r.environment))
      .filter((r) => query.environment === undefined || r.environment === query.environment)
      .filter((r) => query.state === undefined || r.state === query.state)
      .filter((r) => query.flag === undefined || r.changes.some((c) => c.flagKey === query.flag));
    return { changeRequests: requests.map((r) => changeRequestView(r, this.flags)) };
  }

  @Get(':id')
  @RequireRole('viewer')
  get(@Param('id') id: string, @Actor() by: Principal): ChangeRequestView {
    return changeRequestView(this.inScope(id, by), this.flags);
  }

  @Put(':id/changes')
  @RequireRole('editor')
  async replaceChanges(
    @Param('id') id: string,
    @Body() body: ReplaceChangesRequest,
    @Actor() by: Principal,
  ): Promise<Answer> {
    this.inScope(id, by);
    return this.answer(await this.commands.replaceChanges(id, body.changes, by, body.reason ?? null));
  }

  @Post(':id/approve')
  @HttpCode(200)
  @RequireRole('editor')
  async approve(
    @Param('id') id: string,
    @Body() body: ApproveChangeRequestRequest,
    @Actor() by: Principal,
  ): Promise<Answer> {
    this.inScope(id, by);
    return this.answer(await this.commands.approve(id, body.comment ?? null, by));
  }

  @Post(':id/reject')
  @HttpCode(200)
  @RequireRole('editor')
  async reject(
    @Param('id') id: string,
    @Body() body: RejectChangeRequestRequest,
    @Actor() by: Principal,
  ): Promise<Answer> {
    this.inScope(id, by);
    return this.answer(await this.commands.reject(id, body.reason, by));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequireRole('editor')
  async cancel(
    @Param('id') id: string,
    @Body() body: ChangeRequestReasonRequest,
    @Actor() by: Principal,
  ): Promise<Answer> {
    this.inScope(id, by);
    return this.answer(await this.commands.cancel(id, body.reason ?? null, by));
  }

  /** needs_review → acknowledged: another person has looked at a break-glass kill switch. */
  @Post(':id/acknowledge')
  @HttpCode(200)
  @RequireRole('editor')
  async acknowledge(
    @Param('id') id: string,
    @Body() body: AcknowledgeBreakGlassRequest,
    @Actor() by: Principal,
  ): Promise<Answer> {
    this.inScope(id, by);
    return this.answer(await this.commands.acknowledge(id, body.comment, by));
  }

  /** approved → applied: every change in one append, or none (409 CHANGE_REQUEST_CONFLICT naming the flags). */
  @Post(':id/apply')
  @HttpCode(200)
  @RequireRole('editor')
  async apply(
    @Param('id') id: string,
    @Body() body: ChangeRequestReasonRequest,
    @Actor() by: Principal,
  ): Promise<Answer & { flagEvents: AppliedOutcome['flagEvents'] }> {
    this.inScope(id, by);
    const outcome = await this.commands.apply(id, by, body.reason ?? null);
    return { ...this.answer(outcome), flagEvents: outcome.flagEvents };
  }

  /** The request, held to the caller's scope: a request in another environment is 403 like its flags. */
  private inScope(id: string, by: Principal) {
    const request = this.commands.require(id);
    assertMayActIn(by, [request.environment]);
    return request;
  }

  private answer({ request, event }: ChangeRequestOutcome): Answer {
    return { changeRequest: changeRequestView(request, this.flags), event };
  }
}
