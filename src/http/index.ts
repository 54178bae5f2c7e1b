/** The HTTP edge: body parsing, validation, and problem+json for every refusal. */
export { consoleAssets } from './console-assets.js';
export { ifNoneMatchNames } from './if-none-match.js';
export { jsonBodyMiddleware, type BodyRefusal } from './json-body.js';
export { asRefusal, ProblemDetailsFilter, problemOf, setRefusalHeaders } from './problem-details.filter.js';
export { CONTENT_SECURITY_POLICY, securityHeaders } from './security-headers.js';
export { StrictValidationPipe } from './validation.pipe.js';
