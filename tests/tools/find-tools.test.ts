import { createHash } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PhasegateError } from '../../core/errors.js';
import { SEARCH_MAX_MATCHES } from '../../proxy/tools/find-tools.js';
import { allowAll, codeOf, scratch, type Scratch } from './helpers.js';

let s: Scratch;
beforeEach(async () => {
  s = await scratch();
  const files: Record<string, string> = {
    'src/a.ts': 'export const a = 1;\n// TODO: a\n',
    'src/lib/b.ts': 'export const b = 2; // TODO b\r\n',
    'src/c.md': 'TODO in docs\n',
    'tests/a.test.ts': 'test a\n',
    '.env.example': 'TODO=1\n',
    'node_modules/dep/index.js': 'TODO dep\n',
    '.git/config': 'TODO git\n',
    '.phasegate/audit.jsonl': 'TODO audit\n',
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(s.root, rel, '..'), { recursive: true });
    writeFileSync(join(s.root, rel), text);
  }
  writeFileSync(join(s.root, 'src/blob.bin'), Buffer.from([0x54, 0x4f, 0x44, 0x4f, 0, 1, 2]));
});
afterEach(() => s.cleanup());

const sha = (t: string): string => createHash('sha256').update(t).digest('hex');

describe('listFiles', () => {
  it('lists sorted root-relative paths recursively, with dot files, skipping .git, node_modules and .phasegate', async () => {
    expect((await s.ws.listFiles('.', undefined, allowAll)).files).toEqual([
      '.env.example',
      'src/a.ts',
      'src/blob.bin',
      'src/c.md',
      'src/lib/b.ts',
      'tests/a.test.ts',
    ]);
  });

  it('filters with a glob; a pattern without / matches base names', async () => {
    expect((await s.ws.listFiles('src', '*.ts', allowAll)).files).toEqual(['src/a.ts', 'src/lib/b.ts']);
    expect((await s.ws.listFiles('.', 'src/**/*.md', allowAll)).files).toEqual(['src/c.md']);
    expect((await s.ws.listFiles('src/a.ts', undefined, allowAll)).files).toEqual(['src/a.ts']);
  });

  it('lists inside a skipped folder only when asked for it by name', async () => {
    expect((await s.ws.listFiles('node_modules', undefined, allowAll)).files).toEqual(['node_modules/dep/index.js']);
  });

  it('leaves out entries whose real path the policy re-check refuses', async () => {
    const onlySrc = (p: string): void => {
      if (p !== '.' && !p.startsWith('src')) throw new PhasegateError('path_not_permitted', p);
    };
    symlinkSync('../tests/a.test.ts', join(s.root, 'src/alias.ts'));
    expect((await s.ws.listFiles('.', '*.ts', onlySrc)).files).toEqual(['src/a.ts', 'src/lib/b.ts']);
  });
});

describe('search', () => {
  it('finds literal text with 1-based line numbers, skipping binaries and skipped folders', async () => {
    const { matches } = await s.ws.search('TODO', '.', undefined, allowAll);
    expect(matches).toEqual([
      { path: '.env.example', line: 1, text: 'TODO=1' },
      { path: 'src/a.ts', line: 2, text: '// TODO: a' },
      { path: 'src/c.md', line: 1, text: 'TODO in docs' },
      { path: 'src/lib/b.ts', line: 1, text: 'export const b = 2; // TODO b' },
    ]);
  });

  it('treats the query literally (no regex) and honours path and pattern', async () => {
    expect((await s.ws.search('a = 1;', 'src', '*.ts', allowAll)).matches).toEqual([{ path: 'src/a.ts', line: 1, text: 'export const a = 1;' }]);
    expect((await s.ws.search('.*', '.', undefined, allowAll)).matches).toEqual([]);
    expect(await codeOf(s.ws.search('', '.', undefined, allowAll))).toBe('invalid_params');
  });

  it(`stops at ${SEARCH_MAX_MATCHES} matches`, async () => {
    writeFileSync(join(s.root, 'many.txt'), 'hit\n'.repeat(SEARCH_MAX_MATCHES + 50));
    expect((await s.ws.search('hit', '.', undefined, allowAll)).matches).toHaveLength(SEARCH_MAX_MATCHES);
  });
});

describe('hashFiles', () => {
  it('hashes regular files matching any glob at any depth (dot folders and node_modules too), sorted; symlinks are listed, never hashed', async () => {
    symlinkSync(join(s.outside, 'secret.txt'), join(s.root, 'tests/leak.test.ts'));
    mkdirSync(join(s.root, 'node_modules/x/tests'), { recursive: true });
    writeFileSync(join(s.root, 'node_modules/x/tests/y.test.ts'), 'dep');
    mkdirSync(join(s.root, 'tests/.git'), { recursive: true });
    writeFileSync(join(s.root, 'tests/.git/helper.js'), 'helper');
    const { hashes, links } = await s.ws.hashFiles(['tests/**', '**/*.test.ts', 'src/lib/*.ts']);
    expect(hashes).toEqual({
      'node_modules/x/tests/y.test.ts': sha('dep'),
      'src/lib/b.ts': sha('export const b = 2; // TODO b\r\n'),
      'tests/.git/helper.js': sha('helper'),
      'tests/a.test.ts': sha('test a\n'),
    });
    expect(Object.keys(hashes)).toEqual(['node_modules/x/tests/y.test.ts', 'src/lib/b.ts', 'tests/.git/helper.js', 'tests/a.test.ts']);
    expect(links).toEqual(['tests/leak.test.ts']);
    expect(await s.ws.hashFiles([])).toEqual({ hashes: {}, links: [] });
  });

  it('changes when a test file changes', async () => {
    const before = (await s.ws.hashFiles(['tests/**'])).hashes;
    await s.ws.editFile('tests/a.test.ts', 'test a', 'test b', allowAll);
    expect((await s.ws.hashFiles(['tests/**'])).hashes['tests/a.test.ts']).not.toBe(before['tests/a.test.ts']);
  });
});
