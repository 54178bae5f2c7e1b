/** OpenFeature's Remote Evaluation Protocol 0.3 (POST /ofrep/v1/evaluate/flags[/:key]) for OpenFeature SDKs in any language. */
export { OfrepModule } from './ofrep.module.js';
export { ofrepBodyRefusal } from './ofrep-failure.filter.js';
export { ofrepCors } from './ofrep-cors.js';

/** Where OFREP's routes live; the HTTP edge mounts OFREP's body refusals and CORS on it. */
export const OFREP_PATH = '/ofrep';
