/** The agent's bearer key check, shared by the WebSocket upgrade and every HTTP route. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Compares sha256 digests with timingSafeEqual: equal lengths always, and the time taken says
 * nothing about how much of a guessed key was right (timing attack on a local socket).
 */
export function createAgentKeyCheck(agentKey: string): (headers: IncomingHttpHeaders) => boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  const expected = digest(agentKey);
  return (headers) => {
    const header = headers.authorization;
    if (typeof header !== 'string') return false;
    const match = /^Bearer ([^\s]+)\s*$/i.exec(header);
    return match !== null && timingSafeEqual(digest(match[1] ?? ''), expected);
  };
}
