/** The API as the console uses it: same origin, the session cookie, and the CSRF value on every write. */

export interface FieldError {
  field: string;
  message: string;
}

/** A refusal, as problem+json describes it (docs/contract.md §4). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly errors: FieldError[],
  ) {
    super(detail);
  }

  /** The message for one field, to show beside it. */
  fieldMessage(field: string): string | undefined {
    return this.errors.find((e) => e.field === field)?.message;
  }
}

export type Role = 'evaluator' | 'viewer' | 'editor' | 'admin';
export const ROLES: readonly Role[] = ['evaluator', 'viewer', 'editor', 'admin'];

/** Whether `held` may do what `required` may (roles nest, docs/contract.md §4). */
export function can(held: Role, required: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(required);
}

export interface Session {
  principal: {
    name: string;
    role: Role;
    /** `config:<name>` for a FLAGLEDGER_TOKENS token, else the id it was issued under. */
    tokenId?: string;
    /** Where it may act; null: every environment. */
    environments?: string[] | null;
  };
  csrf: string | null;
  expiresAt: string | null;
}

/**
 * Whether the signed-in token may manage tokens: the routes want an admin, and one scoped to some
 * environments is refused there (403 ENVIRONMENT_FORBIDDEN), since a token may reach every environment.
 */
export function managesTokens(session: Session): boolean {
  return can(session.principal.role, 'admin') && (session.principal.environments ?? null) === null;
}

let csrf: string | null = null;

/** Dispatched on window when the server no longer knows the session (it expired, or signed out elsewhere). */
export const SESSION_ENDED = 'flagledger:session-ended';

export interface Answer<T> {
  body: T;
  etag: string | null;
}

export interface RequestOptions {
  body?: unknown;
  /** The version on screen: the write applies only if the flag is still at it (412 otherwise). */
  ifMatch?: number;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf !== null) headers['x-flagledger-csrf'] = csrf;
  if (options.ifMatch !== undefined) headers['if-match'] = `"${options.ifMatch}"`;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const parsed: unknown = text === '' ? null : JSON.parse(text);
  // An expired or signed-out session: every page goes back to sign-in rather than showing the refusal.
  if (response.status === 401 && path !== '/v1/session') window.dispatchEvent(new Event(SESSION_ENDED));
  if (!response.ok) {
    const problem = (parsed ?? {}) as { code?: string; detail?: string; errors?: FieldError[] };
    throw new ApiError(
      response.status,
      problem.code ?? 'UNKNOWN',
      problem.detail ?? response.statusText,
      problem.errors ?? [],
    );
  }
  return { body: parsed as T, etag: response.headers.get('etag') };
}

export const get = async <T>(path: string): Promise<T> => (await request<T>('GET', path)).body;

export async function currentSession(): Promise<Session | null> {
  try {
    const session = await get<Session>('/v1/session');
    csrf = session.csrf;
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function signIn(token: string): Promise<Session> {
  const session = (await request<Session>('POST', '/v1/session', { body: { token } })).body;
  csrf = session.csrf;
  return session;
}

export async function signOut(): Promise<void> {
  await request('DELETE', '/v1/session');
  csrf = null;
}
