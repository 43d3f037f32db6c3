/**
 * The process logger: structured JSON (pino) with secrets removed by path and phone numbers and NIK
 * masked wherever they appear in a message or a logged value (domain/redact.ts).
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import { redactDeep, redactText } from '../domain/redact.js';

/** Fields that hold secrets or a citizen's words: never logged. */
const SECRET_KEYS = ['token', 'secret', 'password', 'apiKey', 'api_key', 'phone', 'nik'];
export const REDACT_PATHS = [
  ...SECRET_KEYS,
  '*.text', '*.description', '*.token', '*.secret', '*.password', '*.apiKey', '*.api_key', '*.phone', '*.nik',
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-telegram-bot-api-secret-token"]', 'headers.authorization',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    formatters: {
      log: (object) => {
        const masked = redactDeep(object);
        return masked !== null && typeof masked === 'object' && !Array.isArray(masked) ? Object.fromEntries(Object.entries(masked)) : object;
      },
    },
    hooks: {
      logMethod(args, method) {
        const [first, second, ...rest] = args;
        method.apply(this, [typeof first === 'string' ? redactText(first) : first, second === undefined ? undefined : redactText(second), ...rest]);
      },
    },
    serializers: {
      err: (error: Error) => {
        const serialised = pino.stdSerializers.err(error);
        return { ...serialised, message: redactText(serialised.message), stack: typeof serialised.stack === 'string' ? redactText(serialised.stack) : serialised.stack };
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
