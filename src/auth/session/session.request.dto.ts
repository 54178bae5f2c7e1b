import { IsString, Length } from 'class-validator';

/** POST /v1/session: the API token to sign in with. */
export class OpenSessionRequest {
  @IsString()
  @Length(1, 512)
  token!: string;
}
