import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { terminalText as e } from '../cli/terminal-text.js';

/**
 * Turns one structured log record into the wrapper's one-line progress message, or nothing.
 * Tool names, reasons and ids come from the agent: each is escaped, so a tool named
 * "x\nphasegate: phase REVIEW → COMPLETE" cannot print a line of its own.
 */
function describe(r: Record<string, unknown>): string | undefined {
  const who = typeof r.run === 'string' ? `${e(r.run)}: ` : '';
  switch (r.event) {
    case 'tool_call_denied':
      return `${who}denied ${e(r.tool)}: ${e(r.reason)}`;
    case 'phase_transition_applied':
    case 'phase_changed':
      return `${who}phase ${e(r.from)} → ${e(r.to)}`;
    case 'lease_lost':
      return `${who}lease lost on ${e(r.task_id)}`;
    case 'approval_rejected':
      return `${who}approval ${e(r.approval_id)} rejected: ${e(r.reason)}`;
    default:
      return typeof r.level === 'number' && r.level >= 50 ? `${who}error: ${e(r.msg)} ${r.err === undefined ? '' : e(r.err)}`.trim() : undefined;
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
