import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Where log records go; JSON lines on stderr unless the CLI installs another (readable lines on a terminal). */
let destination: () => DestinationStream = () => pino.destination(2);

/**
 * The one logger factory. Structured JSON on stderr (stdout belongs to command results);
 * `PHASEGATE_LOG_LEVEL` overrides the level, `silent` for tests.
 */
export function createLogger(name: string, level = process.env.PHASEGATE_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { svc: name } }, destination());
}

/**
 * Replaces the destination of every logger created afterwards. The CLI calls it once at start
 * (`--log-format`, terminal detection); libraries never do.
 */
export function setLogDestination(factory: () => DestinationStream): void {
  destination = factory;
}
