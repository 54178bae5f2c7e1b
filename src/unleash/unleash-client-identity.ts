import { clientName } from '../connected-clients/index.js';
import { ValidationFailedError } from '../shared/index.js';
import type { JsonObject } from './json-object.js';

/** Which SDK instance sent a request, as GET /v1/clients lists it. */
export interface UnleashClientIdentity {
  appName?: string;
  instanceId?: string;
}

type Headers = Record<string, string | string[] | undefined>;

/**
 * Unleash SDKs name themselves in the `UNLEASH-APPNAME` and `UNLEASH-INSTANCEID` headers of every request
 * (unleash-client's buildHeaders), and again in the register and metrics bodies, which win when given.
 * Names longer than MAX_CLIENT_NAME_LENGTH are cut rather than refused: refusing a poll or a metrics
 * report for a long app name would cost the SDK its flags or its counts. A body field that is not a
 * string is a 400 naming it, as Unleash's own server answers.
 */
export function unleashClientIdentity(headers: Headers, body?: JsonObject): UnleashClientIdentity {
  return {
    appName: bodyName(body, 'appName') ?? clientName(headers['unleash-appname']),
    instanceId: bodyName(body, 'instanceId') ?? clientName(headers['unleash-instanceid']),
  };
}

function bodyName(body: JsonObject | undefined, field: string): string | undefined {
  const value = body?.[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ValidationFailedError([{ field, message: 'must be a string' }]);
  return clientName(value);
}
