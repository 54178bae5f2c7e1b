/** The configuration, read from the environment once and validated at start. */
export {
  ConfigError,
  describeDatabase,
  loadConfig,
  parseDatabase,
  type ApiToken,
  type AppConfig,
  type DatabaseConfig,
} from './app-config.js';
