/** Who follows the flags: Flagledger's own SDK, an Unleash SDK, or an OpenFeature OFREP provider. */
export const CLIENT_KINDS = ['flagledger-sdk', 'unleash', 'ofrep'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];

/**
 * At most this many instances are tracked, in memory and in the table: app names and instance ids are the
 * client's to choose, so past the bound the stalest is forgotten rather than the memory growing.
 */
export const MAX_TRACKED_CLIENTS = 10_000;
/** A client not seen for longer is no longer connected (docs/contract.md §11: "seen in the last hour"). */
export const CLIENT_SEEN_WINDOW_MS = 60 * 60_000;
/** The longest app name or instance id kept. */
export const MAX_CLIENT_NAME_LENGTH = 128;

/** One request from a client, as the route that served it saw it. */
export interface ClientSighting {
  kind: ClientKind;
  /** At least one of appName and instanceId is given: a client that names neither is not tracked. */
  appName?: string;
  instanceId?: string;
  /** The environment the client is served. */
  environment: string;
  /**
   * The last seq the client has applied, when this request tells (a features answer, a stream event, the
   * SDK's report); undefined when it does not (register, metrics), which keeps what was known.
   */
  appliedSeq?: number | null;
  /** The ETag of the body the client now holds (Unleash features, OFREP bulk); only with appliedSeq. */
  etag?: string;
}

/** One row of GET /v1/clients. */
export interface ConnectedClient {
  kind: ClientKind;
  appName: string | null;
  instanceId: string | null;
  environment: string;
  lastSeen: string;
  appliedSeq: number | null;
  etag: string | null;
}

/** An app name or instance id from a header: kept to MAX_CLIENT_NAME_LENGTH; empty or absent is none. */
export function clientName(value: string | readonly string[] | undefined): string | undefined {
  const text = typeof value === 'string' ? value : value?.[0];
  if (typeof text !== 'string' || text === '') return undefined;
  return text.slice(0, MAX_CLIENT_NAME_LENGTH);
}
