import type { Generated } from 'kysely';

export interface EventTable {
  seq: number;
  stream_id: string;
  version: number;
  type: string;
  schema_version: number;
  /** canonical JSON */
  data: string;
  actor: string;
  /** StoredEvent.actorTokenId; NULL where the envelope has none. */
  actor_token_id: string | null;
  reason: string | null;
  at: string;
  idempotency_key: string | null;
  prev_hash: string;
  hash: string;
}

export interface IdempotencyRecordTable {
  scope: string;
  key: string;
  fingerprint: string;
  status: number;
  body: string;
  created_at: string;
}

export interface ProjectionCheckpointTable {
  name: string;
  seq: number;
  updated_at: Generated<string>;
}
