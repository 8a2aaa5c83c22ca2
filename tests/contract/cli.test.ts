import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { UsageError } from '../../proxy/cli/args.js';
import { run } from '../../proxy/cli/commands/contract.js';
import { MINIMAL, lineOf } from './fixtures.js';

/** Runs the command with stdout captured (the command prints through process.stdout.write). */
async function capture(argv: string[]): Promise<{ code: number; out: string }> {
  const original = process.stdout.write.bind(process.stdout);
  let out = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    return { code: await run(argv), out };
  } finally {
    process.stdout.write = original;
  }
}

describe('phasegate contract', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'phasegate-contract-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('check: a valid contract exits 0 and prints its sha256', async () => {
    const file = join(dir, 'ok.yaml');
    await writeFile(file, MINIMAL);
    const { code, out } = await capture(['check', file]);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^ok ${file} \\(sha256 [0-9a-f]{64}\\)\\n$`));
  });

  test('check: an invalid contract exits 1 with every error as FILE:LINE: message', async () => {
    const file = join(dir, 'bad.yaml');
    const text = MINIMAL.replace('to: DONE', 'to: DONEX').replace('gate: ready', 'gate: steady');
    await writeFile(file, text);
    const { code, out } = await capture(['check', file]);
    expect(code).toBe(1);
    expect(out.trimEnd().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${file}:${lineOf(text, 'to: DONEX')}: .*unknown phase`)),
      expect.stringMatching(new RegExp(`^${file}:${lineOf(text, 'gate: steady')}: .*unknown gate`)),
    ]);
  });

  test('check: a missing file exits 1', async () => {
    const { code, out } = await capture(['check', join(dir, 'none.yaml')]);
    expect(code).toBe(1);
    expect(out).toContain('none.yaml:0: cannot read contract');
  });

  test('explain prints the phase asked for', async () => {
    const file = join(dir, 'ok.yaml');
    await writeFile(file, MINIMAL);
    const { code, out } = await capture(['explain', file, '--phase', 'DONE']);
    expect(code).toBe(0);
    expect(out).toContain('## Phase DONE');
    expect(out).not.toContain('## Phase PLAN');
  });

  test('bad flags, unknown subcommands and unknown phases are usage errors (exit 2)', async () => {
    const file = join(dir, 'ok.yaml');
    await writeFile(file, MINIMAL);
    await expect(run(['explain', file, '--bogus'])).rejects.toBeInstanceOf(UsageError);
    await expect(run(['verify'])).rejects.toBeInstanceOf(UsageError);
    await expect(run(['check', 'a.yaml', 'b.yaml'])).rejects.toBeInstanceOf(UsageError);
    await expect(run(['explain', file, '--phase', 'NOPE'])).rejects.toBeInstanceOf(UsageError);
  });
});
