/** The HTTP edge: body parsing, validation, and problem+json for every refusal. */
export { jsonBodyMiddleware } from './json-body.js';
export { ProblemDetailsFilter } from './problem-details.filter.js';
export { StrictValidationPipe } from './validation.pipe.js';
