import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/** LOG_LEVEL's values: pino's own names, so its documentation applies as written. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/**
 * Fields that carry a credential: the bearer header if a request or its headers are ever logged, and any
 * token or secret at the top of a line or one object down.
 */
export const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  'token',
  'secret',
  '*.token',
  '*.secret',
  'tokens[*].secret',
];

/** The shape every line has had: ISO `time`, `level` as a label, no pid/hostname; Errors with their stacks. */
const LINE_FORMAT: LoggerOptions = {
  base: null,
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
  // `error` too: the code base has always named the field so, and a string there passes through unchanged.
  serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
};

export interface AppLoggerOptions {
  level: LogLevelName;
  /**
   * The configured token secrets, masked wherever they appear in a line: redaction by path cannot see a
   * token that ended up inside a message or a stack.
   */
  secrets?: readonly string[];
  /** Where lines go; by default stdout, and error and fatal lines to stderr, as before. */
  destination?: DestinationStream;
}

/** The logger every line goes through, credentials redacted. */
export function createAppLogger({ level, secrets = [], destination }: AppLoggerOptions): Logger {
  return pino(
    {
      ...LINE_FORMAT,
      level,
      redact: { paths: REDACTED_PATHS },
      hooks: { streamWrite: maskSecrets(secrets) },
    },
    destination ?? stdoutAndStderr(),
  );
}

/**
 * Without redaction or a level filter, for the one line that must show a secret: the admin token generated
 * at a first start, which is printed nowhere else (whatever LOG_LEVEL says, or the server has no way in).
 */
export function createUnredactedLogger(destination?: DestinationStream): Logger {
  return pino({ ...LINE_FORMAT, level: 'trace' }, destination ?? stdoutAndStderr());
}

/** `Bearer <b64token>` (RFC 6750) in any text, e.g. an error message that quoted a header. */
const BEARER_CREDENTIAL = /\bBearer\s+[A-Za-z0-9._~+/-]+=*/gi;

function maskSecrets(secrets: readonly string[]): (line: string) => string {
  // As the line spells them: a secret holding a quote or a backslash is escaped inside a JSON string.
  const needles = secrets.filter((s) => s !== '').map((s) => JSON.stringify(s).slice(1, -1));
  return (line) => {
    let masked = line.replace(BEARER_CREDENTIAL, 'Bearer [Redacted]');
    for (const needle of needles) if (masked.includes(needle)) masked = masked.replaceAll(needle, '[Redacted]');
    return masked;
  };
}

function stdoutAndStderr(): DestinationStream {
  // dedupe: a line goes only to the stream with the highest level at or below its own.
  return pino.multistream(
    [
      { level: 'trace', stream: process.stdout },
      { level: 'error', stream: process.stderr },
    ],
    { dedupe: true },
  );
}
