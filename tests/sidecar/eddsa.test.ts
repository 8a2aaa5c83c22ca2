/** EdDSA mode: the sidecar verifies tokens with the coordinator's published JWKS. */
import { afterEach, describe, expect, it } from 'vitest';
import { PLAN, startStack, type Stack } from './stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('EdDSA tokens', () => {
  it('claims, calls and transitions with Ed25519-signed tokens; an HS256 forgery is refused', async () => {
    stack = await startStack({ eddsa: true });
    await stack.addTask();
    const agent = await stack.connect();
    const claim = await agent.ok('task.claim');
    expect(JSON.parse(Buffer.from(claim.token.split('.')[0], 'base64url').toString()).alg).toBe('EdDSA');
    expect((await agent.ok('tool.call', { token: claim.token, tool: 'read_file', args: { path: 'README.md' } })).bytes).toBe(10);
    const moved = await agent.ok('task.transition', { token: claim.token, target_phase: 'TDD', artifacts: { plan: PLAN } });
    expect(moved.phase).toBe('TDD');

    // Same claims, re-signed HS256 with the public key's x as the secret: algorithm confusion.
    const [, payload] = moved.token.split('.');
    const { createHmac } = await import('node:crypto');
    const jwks = (await (await fetch(`${stack.coordinator.url}/.well-known/jwks.json`)).json()) as { keys: { x: string }[] };
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const sig = createHmac('sha256', jwks.keys[0]?.x ?? '').update(`${header}.${payload}`).digest('base64url');
    const forged = await agent.call('tool.call', { token: `${header}.${payload}.${sig}`, tool: 'read_file', args: { path: 'README.md' } });
    expect(forged.error?.data.reason).toBe('token_invalid');
  });
});
