export interface AuditTrailTable {
  seq: number;
  flag_key: string;
  version: number;
  type: string;
  actor: string;
  /** The event's actorTokenId; NULL where it has none. */
  actor_token_id: string | null;
  at: string;
  reason: string | null;
  /** JSON of the value before the change (null for FlagCreated) */
  from_value: string;
  /** JSON of the value after the change */
  to_value: string;
  /**
   * The environment the event's data names (FlagCreated and state events); NULL when it names none:
   * definition events, and events written before environments, which are read as the default
   * environment (`environmentOfEvent`). Stored as the event says, not upcast, so a rebuild under another
   * default environment writes the same rows.
   */
  environment: string | null;
  /** 1 when the event is a kill switch engaged as break glass (`data.breakGlass`); NULL otherwise. */
  break_glass: number | null;
  /** The `data.changeRequest` of a flag event a change request's apply wrote; NULL on every other row. */
  change_request_id: string | null;
  change_request_author: string | null;
  /** JSON list of the approvers' names, in the order they approved. */
  change_request_approvers: string | null;
}
