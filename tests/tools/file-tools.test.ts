import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PhasegateError } from '../../core/errors.js';
import { createWorkspace } from '../../proxy/tools/index.js';
import { allowAll, codeOf, errorOf, scratch, silent, type Scratch } from './helpers.js';

let s: Scratch;
beforeEach(async () => {
  s = await scratch();
});
afterEach(() => s.cleanup());

describe('read_file / write_file / edit_file / delete_file', () => {
  it('writes (creating parent folders) and reads back UTF-8 with the byte count', async () => {
    expect(await s.ws.writeFile('a/b/c.txt', 'héllo', allowAll)).toEqual({ bytes: 6 });
    expect(readFileSync(join(s.root, 'a/b/c.txt'), 'utf8')).toBe('héllo');
    expect(await s.ws.readFile('a/b/c.txt', allowAll)).toEqual({ content: 'héllo', bytes: 6 });
  });

  it('overwrites in place atomically, leaves no temp files and keeps the file mode', async () => {
    writeFileSync(join(s.root, 'run.sh'), 'old');
    chmodSync(join(s.root, 'run.sh'), 0o750);
    await s.ws.writeFile('run.sh', 'new', allowAll);
    expect(readFileSync(join(s.root, 'run.sh'), 'utf8')).toBe('new');
    expect(statSync(join(s.root, 'run.sh')).mode & 0o777).toBe(0o750);
    expect(readdirSync(s.root)).toEqual(['run.sh']);
  });

  it('reads and writes an empty file', async () => {
    expect(await s.ws.writeFile('empty.txt', '', allowAll)).toEqual({ bytes: 0 });
    expect(await s.ws.readFile('empty.txt', allowAll)).toEqual({ content: '', bytes: 0 });
  });

  it('edits when old text occurs exactly once', async () => {
    writeFileSync(join(s.root, 'x.ts'), 'const a = 1;\nconst b = 2;\n');
    expect(await s.ws.editFile('x.ts', 'b = 2', 'b = 3', allowAll)).toEqual({ replacements: 1 });
    expect(readFileSync(join(s.root, 'x.ts'), 'utf8')).toBe('const a = 1;\nconst b = 3;\n');
  });

  it.each([
    ['absent', 'zzz'],
    ['present twice', 'const'],
    ['empty', ''],
  ])('refuses an edit whose old text is %s with tool_failed and changes nothing', async (_, old) => {
    writeFileSync(join(s.root, 'x.ts'), 'const a = 1;\nconst b = 2;\n');
    const err = await errorOf(s.ws.editFile('x.ts', old, 'y', allowAll));
    expect(err.code).toBe('tool_failed');
    expect(typeof err.detail?.['detail']).toBe('string');
    expect(readFileSync(join(s.root, 'x.ts'), 'utf8')).toBe('const a = 1;\nconst b = 2;\n');
  });

  it('deletes a file', async () => {
    writeFileSync(join(s.root, 'gone.txt'), 'x');
    expect(await s.ws.deleteFile('gone.txt', allowAll)).toEqual({ deleted: true });
    expect(existsSync(join(s.root, 'gone.txt'))).toBe(false);
  });

  it('reports a missing file as tool_failed with an ENOENT detail, for every file tool', async () => {
    for (const call of [
      () => s.ws.readFile('nope.txt', allowAll),
      () => s.ws.editFile('nope.txt', 'a', 'b', allowAll),
      () => s.ws.deleteFile('nope.txt', allowAll),
      () => s.ws.listFiles('nope', undefined, allowAll),
      () => s.ws.search('x', 'nope', undefined, allowAll),
    ]) {
      const err = await errorOf(call());
      expect(err.code).toBe('tool_failed');
      expect(err.detail?.['detail']).toMatch(/^ENOENT/);
    }
  });

  it('refuses folders where a file is expected', async () => {
    mkdirSync(join(s.root, 'dir'));
    expect(await codeOf(s.ws.readFile('dir', allowAll))).toBe('tool_failed');
    expect(await codeOf(s.ws.writeFile('dir', 'x', allowAll))).toBe('tool_failed');
    expect(await codeOf(s.ws.deleteFile('dir', allowAll))).toBe('tool_failed');
    expect(await codeOf(s.ws.writeFile('.', 'x', allowAll))).toBe('tool_failed');
  });

  it('does not hang on a FIFO planted in the workspace', async () => {
    execFileSync('mkfifo', [join(s.root, 'pipe')]);
    expect(await codeOf(s.ws.readFile('pipe', allowAll))).toBe('tool_failed');
  });

  it('refuses a file larger than maxFileBytes', async () => {
    const small = await createWorkspace(s.root, { logger: silent, maxFileBytes: 10 });
    writeFileSync(join(s.root, 'big.txt'), 'x'.repeat(11));
    expect((await errorOf(small.readFile('big.txt', allowAll))).detail?.['errno']).toBe('EFBIG');
  });

  it('re-checks the lexical rules itself: absolute, .., NUL, backslash', async () => {
    for (const bad of ['/etc/passwd', '../ws_secret/secret.txt', 'a/../../x', 'ok.txt\0../x', '..\\x']) {
      expect(await codeOf(s.ws.readFile(bad, allowAll))).toBe('path_outside_workspace');
      expect(await codeOf(s.ws.writeFile(bad, 'x', allowAll))).toBe('path_outside_workspace');
      expect(await codeOf(s.ws.deleteFile(bad, allowAll))).toBe('path_outside_workspace');
    }
    expect(readdirSync(s.root)).toEqual([]);
  });

  it('calls recheck with the real relative path and obeys its refusal before touching anything', async () => {
    writeFileSync(join(s.root, 'keep.txt'), 'v1');
    const seen: string[] = [];
    const deny = (p: string): void => {
      seen.push(p);
      throw new PhasegateError('path_not_permitted', `not here: ${p}`);
    };
    expect(await codeOf(s.ws.writeFile('keep.txt', 'v2', deny))).toBe('path_not_permitted');
    expect(await codeOf(s.ws.writeFile('new/deep.txt', 'v2', deny))).toBe('path_not_permitted');
    expect(await codeOf(s.ws.deleteFile('keep.txt', deny))).toBe('path_not_permitted');
    expect(await codeOf(s.ws.editFile('keep.txt', 'v1', 'v2', deny))).toBe('path_not_permitted');
    expect(seen).toEqual(['keep.txt', 'new/deep.txt', 'keep.txt', 'keep.txt']);
    expect(readFileSync(join(s.root, 'keep.txt'), 'utf8')).toBe('v1');
    expect(existsSync(join(s.root, 'new'))).toBe(false);
  });

  it('fails at construction on a bad root or option', async () => {
    await expect(createWorkspace(join(s.root, 'missing'), { logger: silent })).rejects.toThrow(TypeError);
    await expect(createWorkspace(s.root, { logger: silent, maxOutputBytes: 0 })).rejects.toThrow(/maxOutputBytes/);
    await expect(createWorkspace(s.root, { logger: silent, defaultTimeoutMs: 1.5 })).rejects.toThrow(/defaultTimeoutMs/);
  });
});
