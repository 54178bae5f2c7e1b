/** Unleash's client API (GET /api/client/features, streaming, register, metrics) for Unleash SDKs in any language. */
export { UnleashModule } from './unleash.module.js';
