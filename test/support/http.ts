import type request from 'supertest';
import { authorization, type RoleName } from './tokens.js';

type Agent = ReturnType<typeof request>;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** supertest's verbs with the role's Authorization header already set. */
export type RoleAgent = Record<Method, (path: string) => ReturnType<Agent[Method]>>;

/** What HTTP helpers need of a running app: TestApp is one. */
export interface HttpApp {
  /** A fresh supertest agent bound to the real HTTP server. */
  http: () => Agent;
}

/** Requests sent as `role`: `as(t, 'editor').post('/v1/flags').send(body)`. */
export function as(t: HttpApp, role: RoleName): RoleAgent {
  const auth = authorization(role);
  const verb = (method: Method) => (path: string) => t.http()[method](path).set('Authorization', auth);
  return { get: verb('get'), post: verb('post'), put: verb('put'), patch: verb('patch'), delete: verb('delete') };
}
