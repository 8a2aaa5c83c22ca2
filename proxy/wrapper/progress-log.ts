import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

/** Turns one structured log record into the wrapper's one-line progress message, or nothing. */
function describe(r: Record<string, unknown>): string | undefined {
  switch (r.event) {
    case 'tool_call_denied':
      return `denied ${String(r.tool)}: ${String(r.reason)}`;
    case 'phase_transition_applied':
    case 'phase_changed':
      return `phase ${String(r.from)} → ${String(r.to)}`;
    case 'lease_lost':
      return `lease lost on ${String(r.task_id)}`;
    default:
      return typeof r.level === 'number' && r.level >= 50 ? `error: ${String(r.msg)} ${String(r.err ?? '')}`.trim() : undefined;
  }
}

/**
 * A pino logger for the wrapper's sidecar whose records become readable progress lines
 * (`report`), so an operator watching `phasegate run` sees phase changes and denials as
 * they happen without reading JSON. Structured logs stay available via PHASEGATE_LOG_LEVEL.
 */
export function createProgressLogger(report: (line: string) => void): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line === '') continue;
        try {
          const text = describe(JSON.parse(line) as Record<string, unknown>);
          if (text !== undefined) report(text);
        } catch {
          // not JSON: nothing to describe
        }
      }
      done();
    },
  });
  return pino({ name: 'phasegate-run', level: 'info' }, sink);
}
