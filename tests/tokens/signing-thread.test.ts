/**
 * The issuer's Ed25519 signing thread (core/tokens/signing-thread): its signatures are the
 * ones node:crypto makes on the calling thread; it refuses what it cannot take (a second job
 * in flight, an input too long, not up yet) so the caller signs elsewhere; a job whose thread
 * is stopped, dies or cannot sign is never lost or answered with garbage; an idle thread stops
 * and comes back; and through the issuer, tokens signed concurrently all verify.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createIssuer, createVerifier } from '../../core/tokens/index.js';
import { MAX_INPUT } from '../../core/tokens/signing-thread/mailbox.js';
import { signingThread, type SigningThread } from '../../core/tokens/signing-thread/index.js';
import { T0, edKey, grant } from './token-fixtures.js';

const { privateKey } = generateKeyPairSync('ed25519');
const here = (key: KeyObject, input: string) => sign(null, Buffer.from(input), key).toString('base64url');

let thread: SigningThread | undefined;
afterEach(async () => {
  await thread?.close();
  thread = undefined;
});

/** `begin` once the thread is up (it answers undefined while it starts). */
async function beginWhenUp(t: SigningThread, input: string): Promise<() => string> {
  for (let i = 0; i < 500; i++) {
    const take = t.begin(input);
    if (take !== undefined) return take;
    await sleep(5);
  }
  throw new Error('the signing thread never came up');
}

describe('signing thread', () => {
  it('signs what node:crypto signs on the calling thread, job after job, inputs of every length it takes', async () => {
    thread = signingThread(privateKey);
    const inputs = ['a', 'eyJhbGciOiJFZERTQSJ9.eyJ4IjoxfQ', 'é€𝄞 non-ASCII', 'x'.repeat(Math.floor(MAX_INPUT / 3))];
    for (let i = 0; i < 40; i++) inputs.push(`header.${Buffer.from(`payload ${i}`).toString('base64url')}`);
    for (const input of inputs) {
      const take = await beginWhenUp(thread, input);
      expect(take()).toBe(here(privateKey, input));
      // Taking twice answers the same signature and frees nothing twice.
      expect(take()).toBe(here(privateKey, input));
    }
  });

  it('refuses a second job while one is in flight, and an input longer than its mailbox', async () => {
    thread = signingThread(privateKey);
    const first = await beginWhenUp(thread, 'first');
    expect(thread.begin('second')).toBeUndefined();
    expect(first()).toBe(here(privateKey, 'first'));
    expect(thread.begin('y'.repeat(Math.floor(MAX_INPUT / 3) + 1))).toBeUndefined();
    const next = thread.begin('next');
    expect(next?.()).toBe(here(privateKey, 'next'));
  });

  it('a job whose thread is stopped before it answered is signed by the caller: never lost', async () => {
    thread = signingThread(privateKey, { stallMs: 50 });
    await beginWhenUp(thread, 'warm').then((take) => take());
    for (let i = 0; i < 5; i++) {
      const take = await beginWhenUp(thread, `job ${i}`);
      const stopping = thread.close(); // the thread may or may not have answered
      expect(take()).toBe(here(privateKey, `job ${i}`));
      await stopping;
    }
  });

  it('a key the thread cannot sign with fails on the caller, with node:crypto’s own error', async () => {
    const x25519 = generateKeyPairSync('x25519').privateKey;
    thread = signingThread(x25519);
    const take = await beginWhenUp(thread, 'input');
    expect(() => take()).toThrow();
    expect(() => here(x25519, 'input')).toThrow();
    // The slot is free again afterwards.
    expect(thread.begin('again')).toBeDefined();
  });

  it('stops after its idle time and starts again on the next job', async () => {
    thread = signingThread(privateKey, { idleMs: 30 });
    expect((await beginWhenUp(thread, 'before'))()).toBe(here(privateKey, 'before'));
    await sleep(200);
    // A new thread is starting: refused until it is up, then signing again.
    expect(thread.begin('while starting')).toBeUndefined();
    expect((await beginWhenUp(thread, 'after'))()).toBe(here(privateKey, 'after'));
  });

  it('through the issuer: tokens issued one by one and many at once all verify', async () => {
    const key = await edKey();
    const now = () => T0;
    const issuer = createIssuer({ alg: 'EdDSA', ...key }, { ttlSeconds: 600, now });
    const verifier = createVerifier({ alg: 'EdDSA', jwks: issuer.jwks() }, { now });
    const tokens: string[] = [];
    for (let i = 0; i < 20; i++) tokens.push(await issuer.issue({ ...grant, task_id: `task-${i}` }));
    tokens.push(...(await Promise.all(Array.from({ length: 20 }, (_, i) => issuer.issue({ ...grant, task_id: `burst-${i}` })))));
    const claims = await Promise.all(tokens.map((t) => verifier.verify(t)));
    expect(claims.map((c) => c.task_id)).toEqual([...Array.from({ length: 20 }, (_, i) => `task-${i}`), ...Array.from({ length: 20 }, (_, i) => `burst-${i}`)]);
  });
});
