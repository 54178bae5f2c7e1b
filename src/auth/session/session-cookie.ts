import type { Request, Response } from 'express';

/** The console's session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site sends it). */
export const SESSION_COOKIE = 'flagledger_session';

/** The cookie's value, if the request carries one. */
export function sessionCookieOf(request: Pick<Request, 'headers'>): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/** Secure when the request came over HTTPS (directly or through a proxy that says so); a browser drops a Secure cookie sent over plain HTTP elsewhere than localhost. */
function attributes(request: Request, maxAgeSeconds: number): string {
  const secure = request.secure || request.headers['x-forwarded-proto'] === 'https' ? '; Secure' : '';
  return `Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

/** Max-Age is the session's lifetime: the server's clock decides expiry, the browser's only when to forget. */
export function setSessionCookie(request: Request, response: Response, id: string, maxAgeSeconds: number): void {
  response.setHeader('Set-Cookie', `${SESSION_COOKIE}=${id}; ${attributes(request, maxAgeSeconds)}`);
}

export function clearSessionCookie(request: Request, response: Response): void {
  response.setHeader('Set-Cookie', `${SESSION_COOKIE}=; ${attributes(request, 0)}`);
}
