import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config/config.ts';

export type { Logger };

/** JSON lines on stdout. Secrets never reach a log: the fields below are blanked wherever they appear. */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { service: 'thaid-emulator' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.client_secret',
        '*.clientSecret',
        '*.adminToken',
      ],
      censor: '[redacted]',
    },
  });
}
