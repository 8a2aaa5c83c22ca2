/**
 * Human-readable log lines for a terminal (`12:04:05 INFO  coordinator listening url=…`),
 * instead of pino's JSON. Every value is escaped: log records carry what agents sent.
 */
import { Writable } from 'node:stream';
import { paint, type Colour } from './colour.js';
import { terminalText } from './terminal-text.js';

const LEVELS: Record<number, [string, Colour]> = {
  10: ['TRACE', 'grey'],
  20: ['DEBUG', 'grey'],
  30: ['INFO ', 'green'],
  40: ['WARN ', 'yellow'],
  50: ['ERROR', 'red'],
  60: ['FATAL', 'red'],
};
/** Fields every record has, or that the line already shows. */
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'name', 'svc', 'msg', 'event']);

/** One JSON log record as one readable line. */
export function prettyLine(json: string, colour: boolean): string {
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return terminalText(json);
  }
  const time = typeof r.time === 'number' ? new Date(r.time).toISOString().slice(11, 19) : '--:--:--';
  const [label, hue] = LEVELS[typeof r.level === 'number' ? r.level : 30] ?? ['INFO ', 'green'];
  const fields = Object.entries(r)
    .filter(([k, v]) => !SKIP.has(k) && v !== undefined)
    .map(([k, v]) => `${paint(colour, 'grey', terminalText(k) + '=')}${terminalText(typeof v === 'string' ? v : JSON.stringify(v))}`);
  const svc = typeof r.svc === 'string' ? `${paint(colour, 'cyan', terminalText(r.svc))} ` : '';
  return `${paint(colour, 'grey', time)} ${paint(colour, hue, label)} ${svc}${terminalText(r.msg ?? r.event ?? '')}${fields.length > 0 ? '  ' + fields.join(' ') : ''}`;
}

/** A pino destination writing readable lines to `out` (stderr by default). */
export function prettyDestination(opts: { colour: boolean; out?: NodeJS.WritableStream }): Writable {
  const out = opts.out ?? process.stderr;
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      pending += chunk.toString('utf8');
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line !== '') out.write(prettyLine(line, opts.colour) + '\n');
        nl = pending.indexOf('\n');
      }
      done();
    },
  });
}
