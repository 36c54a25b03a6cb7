/**
 * JSON logs (pino) on stderr: stdout belongs to command output (exports, reports). Log ids and
 * reasons only — never personal data or message content (design: confidentiality).
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { app: 'senim' },
      // Belt and braces: fields that could carry personal data are never printed even if passed.
      redact: {
        paths: [
          '*.address',
          '*.fullName',
          '*.phone',
          '*.email',
          '*.to',
          '*.from',
          '*.text',
          '*.subject',
          '*.content',
        ],
        censor: '[redacted]',
      },
    },
    pino.destination(2),
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
