/**
 * The injection token of the validated configuration (`config/`'s AppConfig). It lives here, not in
 * `config/`, because `config/` reads the rules of several slices (roles, flag types, stale thresholds)
 * to validate the environment: slices that inject the configuration would otherwise import `config/`
 * back and close a cycle. They import this token and `type AppConfig`, which the compiler erases.
 */
export const APP_CONFIG = Symbol('APP_CONFIG');
