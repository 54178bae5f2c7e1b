/** Environments (docs/contract.md §7): their events, the in-memory directory, the admin routes. */
export {
  defaultEnvironment,
  ENVIRONMENT_KEY_PATTERN,
  ENVIRONMENT_TYPES,
  environmentStreamId,
  type Environment,
  type EnvironmentType,
} from './environment.js';
export { EnvironmentDirectory } from './environment-directory.js';
export { EnvironmentNotFoundError } from './environment.errors.js';
export {
  ENVIRONMENT_EVENT_TYPES,
  isEnvironmentEventType,
  type EnvironmentChangedData,
  type EnvironmentEvent,
} from './environment.events.js';
export { EnvironmentsModule } from './environments.module.js';
