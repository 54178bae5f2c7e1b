import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { IsDateTime, IsOptionalText } from '../../shared/index.js';
import { ROLES, type Role } from '../roles.js';
import { MAX_GRACE_SECONDS } from './token.decider.js';

/** A token scoped to more than this many environments should be unscoped instead. */
const MAX_SCOPE_ENVIRONMENTS = 50;

/** POST /v1/tokens (docs/contract.md §9). */
export class IssueTokenRequest {
  @IsString()
  @Length(1, 64)
  @Matches(/^[A-Za-z0-9._@-]{1,64}$/, { message: 'must be 1–64 letters, digits or . _ @ -' })
  name!: string;

  @IsIn(ROLES, { message: `must be one of ${ROLES.join(', ')}` })
  role!: Role;

  /** Where the token may act; absent: every environment. Each must exist (404 otherwise, from the decider). */
  @IsOptional()
  @IsArray({ message: 'must be a list of environment keys (leave it out for every environment)' })
  @ArrayMinSize(1, { message: 'must name at least one environment (leave it out for every environment)' })
  @ArrayMaxSize(MAX_SCOPE_ENVIRONMENTS, { message: `must name at most ${MAX_SCOPE_ENVIRONMENTS} environments` })
  @IsString({ each: true, message: 'each must be an environment key' })
  @Length(1, 32, { each: true, message: 'each must be an environment key of 1–32 characters' })
  environments?: string[];

  @IsOptional()
  @IsDateTime()
  expiresAt?: string | null;

  @IsOptionalText(500)
  reason?: string | null;
}

/** POST /v1/tokens/:id/revoke */
export class RevokeTokenRequest {
  @IsOptionalText(500)
  reason?: string | null;
}

/** POST /v1/tokens/:id/rotate */
export class RotateTokenRequest {
  @IsOptional()
  @IsInt({ message: `must be an integer from 0 to ${MAX_GRACE_SECONDS}` })
  @Min(0, { message: `must be an integer from 0 to ${MAX_GRACE_SECONDS}` })
  @Max(MAX_GRACE_SECONDS, { message: `must be an integer from 0 to ${MAX_GRACE_SECONDS}` })
  graceSeconds?: number;

  @IsOptionalText(500)
  reason?: string | null;
}

/** GET /v1/tokens: `asOf`, the tokens valid at that instant. */
export class ListTokensQuery {
  @IsOptional()
  @IsDateTime()
  asOf?: string;
}
