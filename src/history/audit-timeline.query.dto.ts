import { IsOptional } from 'class-validator';
import { IsIntegerString } from '../shared/index.js';
import { AuditFilterQuery } from './audit-filter.query.dto.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** GET /v1/audit: the shared filters plus a seq cursor. Query values are text; see `pageRequestOf`. */
export class AuditTimelineQuery extends AuditFilterQuery {
  /** Only events with seq > after: the previous page's nextCursor. */
  @IsOptional()
  @IsIntegerString(0)
  after?: string;

  @IsOptional()
  @IsIntegerString(1, MAX_PAGE_SIZE)
  limit?: string;
}

export interface PageRequest {
  after: number;
  limit: number;
}

export function pageRequestOf(query: AuditTimelineQuery): PageRequest {
  return {
    after: query.after === undefined ? 0 : Number(query.after),
    limit: query.limit === undefined ? DEFAULT_PAGE_SIZE : Number(query.limit),
  };
}
