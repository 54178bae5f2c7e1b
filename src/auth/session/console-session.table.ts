/** A console session: a cookie's id, kept only as its SHA-256, tied to the token it was opened with. */
export interface ConsoleSessionTable {
  /** SHA-256 of the cookie's value: a database read never hands out a usable cookie. */
  id_hash: string;
  /** SHA-256 of the token's secret: the session has exactly that token's rights while the token lasts. */
  token_hash: string;
  /** What cookie-authenticated writes must send back in X-Flagledger-CSRF. */
  csrf: string;
  created_at: string;
  expires_at: string;
}
