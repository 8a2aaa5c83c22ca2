/** Turning sidecar answers into MCP tool results (text content; `isError` for refusals and failures). */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { PhasegateSdkError } from '../../sdk/index.js';
import type { Refusal } from './refusal-text.js';

export function textResult(text: string, isError = false): CallToolResult {
  return { content: [{ type: 'text', text }], ...(isError && { isError: true }) };
}

/** A built-in tool's result as text: a file's content as is, anything else as JSON. */
export function toolResultText(tool: string, result: unknown): string {
  if (tool === 'read_file' && typeof result === 'object' && result !== null && typeof (result as { content?: unknown }).content === 'string') {
    return (result as { content: string }).content;
  }
  return JSON.stringify(result, null, 2);
}

/** The refusal behind a thrown error; anything that is not a sidecar answer is an internal failure (no message leak). */
export function refusalOf(err: unknown): Refusal {
  if (!(err instanceof PhasegateSdkError)) return { reason: 'internal_error', message: 'the phasegate MCP bridge failed (see its log)' };
  const detail = typeof err.data.detail === 'string' ? err.data.detail : undefined;
  const path = typeof err.data.path === 'string' ? err.data.path : undefined;
  return { reason: err.reason, message: err.message, ...(detail !== undefined && { detail }), ...(path !== undefined && { path }) };
}
