import type { DestinationStream } from 'pino';
import { loadConfig } from '../config/index.js';
import { NestPinoLogger } from './nest-pino-logger.js';
import { createAppLogger, createUnredactedLogger } from './pino-logger.js';

const SECRET = 'ops-secret-1234';

/** A destination that keeps every line, parsed. */
function captured(): DestinationStream & { lines: Record<string, unknown>[]; text: string } {
  const sink = {
    lines: [] as Record<string, unknown>[],
    text: '',
    write(line: string) {
      sink.text += line;
      sink.lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  };
  return sink;
}

/** The adapter over an app logger configured from `env`, as main.ts builds it. */
function loggerFor(env: NodeJS.ProcessEnv = {}) {
  const config = loadConfig({ FLAGLEDGER_TOKENS: `ops:admin:${SECRET}`, ...env });
  const out = captured();
  const appLogger = createAppLogger({
    level: config.logLevel,
    secrets: config.tokens.map((t) => t.secret),
    destination: out,
  });
  return { logger: new NestPinoLogger(appLogger), out };
}

describe('NestPinoLogger', () => {
  it('writes one line per call with the fields of an object message, its context, an ISO time and a level label', () => {
    const { logger, out } = loggerFor();
    logger.log({ msg: 'command', command: 'enable', flag: 'checkout', outcome: 'appended', seq: 7 }, 'Command');
    logger.warn('plain text', 'Stream');
    expect(out.lines).toEqual([
      {
        level: 'info',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        context: 'Command',
        msg: 'command',
        command: 'enable',
        flag: 'checkout',
        outcome: 'appended',
        seq: 7,
      },
      { level: 'warn', time: expect.any(String), context: 'Stream', msg: 'plain text' },
    ]);
    expect(out.text.split('\n')).toHaveLength(3); // two lines, each ending in \n
  });

  it('drops debug lines at the default LOG_LEVEL info, and keeps them at LOG_LEVEL=debug', () => {
    const atInfo = loggerFor();
    atInfo.logger.debug('detail', 'Test');
    atInfo.logger.log('kept', 'Test');
    expect(atInfo.out.lines.map((l) => l.msg)).toEqual(['kept']);

    const atDebug = loggerFor({ LOG_LEVEL: 'debug' });
    atDebug.logger.debug('detail', 'Test');
    atDebug.logger.verbose('finer still', 'Test');
    expect(atDebug.out.lines).toEqual([expect.objectContaining({ level: 'debug', msg: 'detail' })]);
  });

  it('logs the stack of an error, however Nest or our code hands it over', () => {
    const { logger, out } = loggerFor();
    const error = new TypeError('projection failed');
    logger.error('listener failed', error.stack, 'CommittedEventFeed'); // Nest's error(message, stack, context)
    logger.error(error); // an Error as the message
    logger.error({ msg: 'flush failed', error }, 'Telemetry'); // an Error in an object message
    const [withStack, asMessage, inObject] = out.lines as { err?: { stack: string }; error?: { stack: string } }[];
    expect(withStack).toMatchObject({ level: 'error', context: 'CommittedEventFeed', msg: 'listener failed' });
    expect(withStack!.err!.stack).toContain('TypeError: projection failed\n    at ');
    expect(asMessage).toMatchObject({
      msg: 'projection failed',
      err: { type: 'TypeError', message: 'projection failed' },
    });
    expect(asMessage!.err!.stack).toContain('\n    at ');
    expect(inObject!.error!.stack).toContain('\n    at ');
  });

  it('redacts the authorization header and token or secret fields', () => {
    const { logger, out } = loggerFor();
    logger.log({
      msg: 'request',
      req: { method: 'GET', headers: { authorization: 'Basic b3BzOnB3', accept: '*/*' } },
      token: 'some-token',
      principal: { name: 'ops', secret: 'some-secret' },
    });
    expect(out.lines[0]).toMatchObject({
      req: { method: 'GET', headers: { authorization: '[Redacted]', accept: '*/*' } },
      token: '[Redacted]',
      principal: { name: 'ops', secret: '[Redacted]' },
    });
  });

  it('masks a configured secret or a bearer credential anywhere in a line, messages and stacks included', () => {
    const { logger, out } = loggerFor();
    logger.error(`rejected Bearer ${SECRET}`, new Error(`token ${SECRET} is unknown`).stack, 'Auth');
    logger.warn({ msg: 'upstream said', detail: 'header was Bearer abc.DEF_123-x==' });
    expect(out.text).not.toContain(SECRET);
    expect(out.text).not.toContain('abc.DEF');
    expect(out.lines[0]).toMatchObject({ msg: 'rejected Bearer [Redacted]' });
    expect(out.lines[1]).toMatchObject({ detail: 'header was Bearer [Redacted]' });
  });

  it('leaves the generated admin token visible only on the unredacted logger meant for it', () => {
    const out = captured();
    createUnredactedLogger(out).warn({ msg: 'generated an admin token', name: 'admin', token: SECRET });
    expect(out.lines[0]).toMatchObject({ level: 'warn', token: SECRET });
  });
});
