import { IsOptional, IsString, Matches } from 'class-validator';
import { ENVIRONMENT_KEY_PATTERN } from '../environments/index.js';

/** `environment=`: one environment's clients (GET /v1/clients) or convergence (default: the default one). */
export class ClientsQuery {
  @IsOptional()
  @IsString()
  @Matches(ENVIRONMENT_KEY_PATTERN, { message: `must match ${ENVIRONMENT_KEY_PATTERN.source}` })
  environment?: string;
}
