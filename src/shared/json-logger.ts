import type { LoggerService, LogLevel } from '@nestjs/common';

/** One JSON object per line on stdout (errors on stderr), so log pipelines need no parsing rules. */
export class JsonLogger implements LoggerService {
  constructor(private readonly levels: readonly LogLevel[] = ['log', 'error', 'warn', 'fatal']) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', 'log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', 'error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', 'warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', 'debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('verbose', 'verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', 'fatal', message, rest);
  }

  private write(level: string, nestLevel: LogLevel, message: unknown, rest: unknown[]): void {
    if (!this.levels.includes(nestLevel)) return;
    // Nest passes the context (class name) as the last extra argument.
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const fields =
      message !== null && typeof message === 'object' ? (message as Record<string, unknown>) : { msg: String(message) };
    const line = JSON.stringify({ time: new Date().toISOString(), level, ...(context ? { context } : {}), ...fields });
    (level === 'error' || level === 'fatal' ? process.stderr : process.stdout).write(`${line}\n`);
  }
}
