import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { redactArgs, REDACTED } from '../../proxy/audit/index.js';
import { callEntry, openLog, removeTempDirs, tempDir } from './helpers.js';

afterEach(removeTempDirs);

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('redactArgs', () => {
  it('stores file contents as {sha256, bytes}', () => {
    const content = 'export const key = "é";\n';
    expect(redactArgs('write_file', { path: 'a.ts', content })).toEqual({ path: 'a.ts', content: { sha256: sha(content), bytes: Buffer.byteLength(content) } });
    expect(redactArgs('edit_file', { path: 'a.ts', old: 'x', new: 'y' })).toEqual({
      path: 'a.ts',
      old: { sha256: sha('x'), bytes: 1 },
      new: { sha256: sha('y'), bytes: 1 },
    });
  });

  it('redacts secret-named keys at any depth, including token and phase_token', () => {
    const out = redactArgs('custom', {
      token: 'eyJ.a.b',
      phase_token: 'eyJ.c.d',
      nested: { API_KEY: 'k', list: [{ password: 'p', Authorization: 'Bearer z', keep: 1 }], private_key: 'pk', clientSecret: 's' },
    });
    expect(out).toEqual({
      token: REDACTED,
      phase_token: REDACTED,
      nested: { API_KEY: REDACTED, list: [{ password: REDACTED, Authorization: REDACTED, keep: 1 }], private_key: REDACTED, clientSecret: REDACTED },
    });
  });

  it('masks secrets on run_command lines but keeps the command readable', () => {
    const out = redactArgs('run_command', {
      argv: ['curl', '-H', 'Authorization: Bearer abc123', '--token', 'tok456', '--password=pw789', 'API_KEY=key000', 'https://x'],
    }) as { argv: string[] };
    expect(out.argv[0]).toBe('curl');
    expect(out.argv.at(-1)).toBe('https://x');
    for (const secret of ['abc123', 'tok456', 'pw789', 'key000']) expect(JSON.stringify(out)).not.toContain(secret);
    const cmd = redactArgs('run_command', { command: 'deploy --api-key "s3cr3t value" GITHUB_TOKEN=ghp_x npm test' }) as { command: string };
    expect(cmd.command).not.toMatch(/s3cr3t|ghp_x/);
    expect(cmd.command).toContain('npm test');
  });

  it('bounds what is stored: long strings and huge args become digests', () => {
    const long = 'a'.repeat(5000);
    expect(redactArgs('search', { query: long })).toEqual({ query: { sha256: sha(long), bytes: 5000 } });
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'b'.repeat(4000)]));
    expect(redactArgs('custom', many)).toMatchObject({ bytes: expect.any(Number), sha256: expect.any(String), truncated: true });
  });

  it('is applied by the writer, so no caller can log raw contents or tokens', async () => {
    const dir = await tempDir();
    const log = await openLog(dir);
    const secretContent = 'SUPER-SECRET-FILE-BODY';
    const record = await log.append(callEntry(1, { tool: 'write_file', args: { path: 'x', content: secretContent, token: 'eyJhbGciOi.secret.sig' } }));
    await log.close();
    const text = await readFile(join(dir, 'tool_audit.jsonl'), 'utf8');
    expect(text).not.toContain(secretContent);
    expect(text).not.toContain('eyJhbGciOi');
    expect(record.args).toEqual({ path: 'x', content: { sha256: sha(secretContent), bytes: secretContent.length }, token: REDACTED });
  });
});
