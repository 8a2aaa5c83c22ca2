import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The one logger factory. Structured JSON on stderr (stdout belongs to command results);
 * `PHASEGATE_LOG_LEVEL` overrides the level, `silent` for tests.
 */
export function createLogger(name: string, level = process.env.PHASEGATE_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { svc: name } }, pino.destination(2));
}
