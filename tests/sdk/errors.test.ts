/** Each typed SDK error, produced by a real sidecar and coordinator. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AgentClient,
  ConnectionError,
  CoordinatorError,
  PhasegateSdkError,
  PolicyDeniedError,
  ProtocolError,
  TokenError,
  ToolFailedError,
} from '../../sdk/index.js';
import { AGENT_KEY, startSdkStack, type SdkStack } from './sdk-stack.js';

let stack: SdkStack;
const clients: AgentClient[] = [];

async function connect(options: Parameters<typeof AgentClient.connect>[0] = {}): Promise<AgentClient> {
  const client = await AgentClient.connect({ url: stack.sidecar.url, agentKey: AGENT_KEY, reconnect: false, ...options });
  clients.push(client);
  return client;
}

/** Awaits a promise that must reject, and returns the rejection. */
async function rejection(promise: Promise<unknown>): Promise<PhasegateSdkError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PhasegateSdkError);
  return err as PhasegateSdkError;
}

beforeEach(async () => {
  stack = await startSdkStack();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await stack.close();
});

describe('typed errors', () => {
  it('a wrong agent key is a ConnectionError and no socket', async () => {
    const err = await rejection(AgentClient.connect({ url: stack.sidecar.url, agentKey: 'not-the-agent-key-0000', reconnect: false }));
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.reason).toBe('connection_lost');
    expect(err.message).toMatch(/401/);
  });

  it('claiming with no claimable task is a CoordinatorError no_task', async () => {
    const client = await connect();
    const err = await rejection(client.claimTask());
    expect(err).toBeInstanceOf(CoordinatorError);
    expect(err.reason).toBe('no_task');
    expect(err.code).toBe(-32010);
  });

  it('a write outside the phase globs is a PolicyDeniedError carrying the reason', async () => {
    await stack.addTask();
    const client = await connect();
    await client.claimTask();
    const err = await rejection(client.writeFile('src/app.js', 'x'));
    expect(err).toBeInstanceOf(PolicyDeniedError);
    expect(err.reason).toBe('path_not_permitted');
    expect(err.code).toBe(-32003);
    const escape = await rejection(client.readFile('../../etc/passwd'));
    expect(escape).toBeInstanceOf(PolicyDeniedError);
    expect(escape.reason).toBe('path_outside_workspace');
    // The allowed write still works: the refusal did not poison the client.
    await expect(client.writeFile('notes/a.md', 'ok\n')).resolves.toEqual({ bytes: 3 });
  });

  it('a forged token is a TokenError', async () => {
    await stack.addTask();
    const claimer = await connect();
    const { token } = await claimer.claimTask();
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, allowed_tools: ['run_command'] })).toString('base64url');
    const forger = await connect({ token: `${header}.${forgedPayload}.${signature}` });
    const err = await rejection(forger.readFile('README.md'));
    expect(err).toBeInstanceOf(TokenError);
    expect(err.reason).toBe('token_invalid');
    expect(err.code).toBe(-32001);
  });

  it('calling before any claim is a TokenError token_missing, without a round trip', async () => {
    const client = await connect({ token: '' });
    const err = await rejection(client.readFile('README.md'));
    expect(err).toBeInstanceOf(TokenError);
    expect(err.reason).toBe('token_missing');
  });

  it('an allowed call that fails is a ToolFailedError with the detail', async () => {
    await stack.addTask();
    const client = await connect();
    await client.claimTask();
    const err = await rejection(client.readFile('notes/missing.md'));
    expect(err).toBeInstanceOf(ToolFailedError);
    expect(err.reason).toBe('tool_failed');
    expect(err.code).toBe(-32020);
    expect(err.data.detail).toEqual(expect.any(String));
  });

  it('malformed tool arguments are a ProtocolError invalid_params', async () => {
    await stack.addTask();
    const client = await connect();
    await client.claimTask();
    const err = await rejection(client.useTool('read_file', { path: 42 }));
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err.reason).toBe('invalid_params');
    expect(err.code).toBe(-32602);
  });
});
