import type { FlagSource } from '../../src/sdk/index.js';

/**
 * Brief, pattern 2 (second half): an operational flag used as a manual circuit breaker. The circuit is open
 * while the flag's kill switch is engaged; the flag's enabled/rollout settings play no part, as in the brief
 * (`flags.get("external_api_circuit_breaker")?.killSwitch`). The SDK evaluates locally, so engaging the kill
 * switch takes effect on the next call without a network round trip (brief, rule 2).
 */

export const CIRCUIT_BREAKER_FLAG = 'external_api_circuit_breaker';

export interface ApiRequest {
  path: string;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

export interface ExternalApi {
  call(request: ApiRequest): Promise<ApiResponse>;
}

export interface ResponseCache {
  get(request: ApiRequest): ApiResponse | undefined;
  set(request: ApiRequest, response: ApiResponse): void;
}

/** Keeps the last answer per path; enough for an example, swap in Redis or an LRU in a service. */
export class LastResponseCache implements ResponseCache {
  private readonly responses = new Map<string, ApiResponse>();
  get(request: ApiRequest): ApiResponse | undefined {
    return this.responses.get(request.path);
  }
  set(request: ApiRequest, response: ApiResponse): void {
    this.responses.set(request.path, response);
  }
}

export interface CircuitBreakerDeps {
  flags: FlagSource;
  api: ExternalApi;
  cache: ResponseCache;
  /** What to answer with the circuit open and nothing cached: the "flag off" fallback (brief, rule 4). */
  defaultResponse: (request: ApiRequest) => ApiResponse;
}

export interface CircuitBreakerResult {
  response: ApiResponse;
  source: 'api' | 'cache' | 'default';
}

/**
 * Open exactly when the engine answers KILL_SWITCH. An unknown flag (not created yet, or deleted by the
 * monthly cleanup) leaves the circuit closed, and so does an archived one: the engine checks ARCHIVED first,
 * and an archived flag is no longer an operator's control.
 */
export function isCircuitOpen(flags: FlagSource): boolean {
  return flags.evaluate(CIRCUIT_BREAKER_FLAG).reason === 'KILL_SWITCH';
}

export async function callExternalApi(request: ApiRequest, deps: CircuitBreakerDeps): Promise<CircuitBreakerResult> {
  if (isCircuitOpen(deps.flags)) {
    const cached = deps.cache.get(request);
    return cached !== undefined
      ? { response: cached, source: 'cache' }
      : { response: deps.defaultResponse(request), source: 'default' };
  }
  const response = await deps.api.call(request);
  deps.cache.set(request, response);
  return { response, source: 'api' };
}
