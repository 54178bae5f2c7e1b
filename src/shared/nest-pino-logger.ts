import type { LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';

/**
 * Nest's LoggerService over pino. Nest's Logger passes its context (a class name) as the last argument;
 * it becomes the `context` field. An object message is the line's fields, anything else its `msg`.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const last = rest[rest.length - 1];
    // A class name never has a line break; a stack always does (Nest's error(message, stack) without context).
    const context = typeof last === 'string' && !last.includes('\n') ? last : undefined;
    const params = context === undefined ? rest : rest.slice(0, -1);
    const line: Record<string, unknown> = context === undefined ? {} : { context };
    if (message instanceof Error) Object.assign(line, { msg: message.message, err: message });
    else if (message !== null && typeof message === 'object') Object.assign(line, message);
    else line.msg = String(message);
    // error(message, stack) is Nest's own convention (its ExceptionsHandler uses it); an Error works too.
    const cause = params.find((p) => p instanceof Error || (typeof p === 'string' && p !== ''));
    if (line.err === undefined && cause !== undefined) line.err = cause instanceof Error ? cause : { stack: cause };
    // msg stays where the message put it (pino appends a separate msg argument after every field).
    this.logger[level](line);
  }
}
