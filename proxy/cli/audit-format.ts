/**
 * `audit query` output formats. Records hold what agents sent (tool names, paths, reasons), so
 * every format is safe on a terminal: JSONL keeps JSON's escapes and adds them for C1/bidi,
 * the table escapes each cell, CSV escapes each cell and defuses spreadsheet formulas.
 */
import type { AuditRecord } from '../audit/types.js';
import { table } from './approval-view.js';
import { jsonText, terminalText } from './terminal-text.js';

export interface RecordPrinter {
  record(r: AuditRecord): void;
  end(): void;
}

const COLUMNS = ['seq', 'ts', 'type', 'agent_id', 'task_id', 'phase', 'tool', 'decision', 'reason'] as const;

function cells(r: AuditRecord): string[] {
  return COLUMNS.map((c) => {
    const v = r[c];
    return v === null || v === undefined ? '' : terminalText(String(v));
  });
}

/** RFC 4180 quoting; a cell a spreadsheet would run as a formula (= + - @) gets a leading `'`. */
function csvCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function recordPrinter(format: 'table' | 'jsonl' | 'csv', write: (text: string) => void): RecordPrinter {
  if (format === 'jsonl') return { record: (r) => write(jsonText(r, 0) + '\n'), end: () => undefined };
  if (format === 'csv') {
    write(COLUMNS.join(',') + '\n');
    return { record: (r) => write(cells(r).map(csvCell).join(',') + '\n'), end: () => undefined };
  }
  // The table needs every row for its widths; a query that matches millions should use jsonl.
  const rows: string[][] = [COLUMNS.map((c) => c.toUpperCase())];
  return { record: (r) => void rows.push(cells(r)), end: () => write(rows.length === 1 ? 'no matching records\n' : table(rows)) };
}
