/** One SDK instance lately seen (GET /v1/clients): operational state, overwritten, never an event. */
export interface ClientSightingTable {
  kind: string;
  environment: string;
  /** '' when the client did not say. */
  app_name: string;
  /** '' when the client did not say. */
  instance_id: string;
  /** ISO UTC with ms; every instance keeps the later one. */
  last_seen: string;
  applied_seq: number | null;
  /** When applied_seq (and etag) were reported; NULL while no sighting said. */
  applied_at: string | null;
  /** The ETag of the body the client holds: an Unleash SDK's features, an OFREP provider's bulk answer. */
  etag: string | null;
}
