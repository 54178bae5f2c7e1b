import type { RawDatabase } from './raw-database.js';

/**
 * Drops what migration 0011 adds to audit_trail, for upgrade tests that put a database back to how an
 * older version left it. One place, since every upgrade test from before 0011 must drop the same things.
 */
export function dropAuditTrailChangeRequest(raw: RawDatabase): void {
  raw.exec('DROP INDEX audit_trail_change_request_index');
  for (const column of ['change_request_id', 'change_request_author', 'change_request_approvers'])
    raw.exec(`ALTER TABLE audit_trail DROP COLUMN ${column}`);
}

/** Drops what migration 0012 adds (client_sightings), for upgrade tests from before it. */
export function dropClientSightings(raw: RawDatabase): void {
  raw.exec('DROP TABLE client_sightings');
}
