import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { IsDateTime, IsOptionalText } from '../../shared/index.js';
import { ROLES, type Role } from '../roles.js';

/** POST /v1/tokens (docs/contract.md §9). */
export class IssueTokenRequest {
  @IsString()
  @Length(1, 64)
  @Matches(/^[A-Za-z0-9._@-]{1,64}$/, { message: 'must be 1–64 letters, digits or . _ @ -' })
  name!: string;

  @IsIn(ROLES, { message: `must be one of ${ROLES.join(', ')}` })
  role!: Role;

  @IsOptional()
  @IsDateTime()
  expiresAt?: string;

  @IsOptionalText(500)
  reason?: string | null;
}

/** POST /v1/tokens/:id/revoke */
export class RevokeTokenRequest {
  @IsOptionalText(500)
  reason?: string | null;
}
