import { describe, expect, it } from 'vitest';
import { PhasegateError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { handleRpcFrame, type RpcMethods } from '../../proxy/sidecar/rpc.js';
import { toRpcError } from '../../proxy/sidecar/rpc-errors.js';

const logger = createLogger('test', 'silent');
const methods: RpcMethods = new Map([
  ['echo', async (p: unknown) => p],
  ['fail', async () => { throw new PhasegateError('path_outside_workspace', 'path escapes workspace: ../x', { path: '../x' }); }],
  ['boom', async () => { throw new Error('secret internals at /home/x'); }],
]);

async function frame(text: string): Promise<any> {
  const out = await handleRpcFrame(methods, text, logger);
  return out === undefined ? undefined : JSON.parse(out);
}

describe('JSON-RPC framing', () => {
  it('answers a request with its id', async () => {
    expect(await frame('{"jsonrpc":"2.0","id":7,"method":"echo","params":{"a":1}}')).toEqual({ jsonrpc: '2.0', id: 7, result: { a: 1 } });
  });
  it('malformed JSON is -32700 parse_error with id null', async () => {
    const r = await frame('{"jsonrpc":');
    expect(r.id).toBeNull();
    expect(r.error.code).toBe(-32700);
    expect(r.error.data.reason).toBe('parse_error');
  });
  it('a batch, a non-object, a wrong version, a bad id are -32600 invalid_request', async () => {
    for (const text of ['[{"jsonrpc":"2.0","id":1,"method":"echo"}]', '42', '{"jsonrpc":"1.0","id":1,"method":"echo"}', '{"jsonrpc":"2.0","id":{},"method":"echo"}', '{"jsonrpc":"2.0","id":1}']) {
      const r = await frame(text);
      expect(r.error.code, text).toBe(-32600);
      expect(r.error.data.reason, text).toBe('invalid_request');
    }
  });
  it('an unknown method is -32601 method_not_found', async () => {
    const r = await frame('{"jsonrpc":"2.0","id":"x","method":"nope"}');
    expect(r).toMatchObject({ id: 'x', error: { code: -32601, data: { reason: 'method_not_found' } } });
  });
  it('a notification (no id) gets no reply', async () => {
    expect(await frame('{"jsonrpc":"2.0","method":"echo","params":{}}')).toBeUndefined();
  });
  it('a PhasegateError keeps its reason and detail', async () => {
    const r = await frame('{"jsonrpc":"2.0","id":1,"method":"fail"}');
    expect(r.error).toMatchObject({ code: -32003, data: { reason: 'path_outside_workspace', path: '../x' } });
  });
  it('an unknown error is -32603 internal_error without the message or a stack', async () => {
    const r = await frame('{"jsonrpc":"2.0","id":1,"method":"boom"}');
    expect(r.error.code).toBe(-32603);
    expect(r.error.data).toEqual({ reason: 'internal_error' });
    expect(JSON.stringify(r)).not.toContain('/home/x');
  });
});

describe('toRpcError', () => {
  it.each([
    ['token_superseded', -32001],
    ['token_wrong_task', -32001],
    ['shell_operator', -32003],
    ['audit_unavailable', -32004],
    ['coordinator_unavailable', -32010],
    ['lease_lost', -32010],
    ['task_paused', -32010],
    ['tool_failed', -32020],
    ['invalid_params', -32602],
  ] as const)('%s → %i', (reason, code) => {
    const e = toRpcError(new PhasegateError(reason, 'x'));
    expect(e.code).toBe(code);
    expect(e.data.reason).toBe(reason);
  });
  it('coordinator-only reasons become the nearest wire reason, keeping the original', () => {
    expect(toRpcError(new PhasegateError('task_not_claimed', 'x')).data).toMatchObject({ reason: 'lease_lost', coordinator_reason: 'task_not_claimed' });
    expect(toRpcError(new PhasegateError('unauthorized', 'x'))).toMatchObject({ code: -32010, data: { reason: 'coordinator_unavailable' } });
    expect(toRpcError(new PhasegateError('task_not_claimable', 'x'))).toMatchObject({ code: -32010, data: { reason: 'no_task' } });
  });
});
