/** Pieces every slice may use; this folder imports no feature. */
export { APP_CONFIG } from './app-config.token.js';
export { canonicalJson } from './canonical-json.js';
export { chunks } from './chunks.js';
export { CLOCK, systemClock, type Clock } from './clock.js';
export { ENVIRONMENT_CATALOG, type EnvironmentCatalog } from './environment-catalog.js';
export { DomainError, RetryLaterError, ValidationFailedError } from './domain-error.js';
export { ERROR_CODES, type ErrorCode } from './error-code.js';
export { KeyedSerialQueue } from './keyed-serial-queue.js';
export { LifecycleLogger } from './lifecycle-logger.js';
export { NestPinoLogger } from './nest-pino-logger.js';
export { createAppLogger, createUnredactedLogger, LOG_LEVELS, type LogLevelName } from './pino-logger.js';
export { problem, PROBLEM_CONTENT_TYPE, type FieldError, type ProblemDetails } from './problem-details.js';
export { PeriodicFlush } from './periodic-flush.js';
export { redact } from './redact.js';
export { sha256Hex } from './sha256.js';
export {
  isStorageFailure,
  storageFailureOf,
  storageRefusal,
  StorageFullError,
  StorageUnavailableError,
  type StorageFailure,
} from './storage-failure.js';
export { IsDateTime, IsIntegerString, IsOptionalText, IsRequiredText } from './validators.js';
