/** Escape attempts through symlinks: each performs the attack and checks nothing leaked or changed. */
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allowAll, codeOf, scratch, SECRET, type Scratch } from './helpers.js';

let s: Scratch;
beforeEach(async () => {
  s = await scratch();
});
afterEach(() => s.cleanup());

function outsideUntouched(): void {
  expect(readFileSync(join(s.outside, 'secret.txt'), 'utf8')).toBe(SECRET);
  expect(readFileSync(join(s.sibling, 'secret.txt'), 'utf8')).toBe(SECRET);
  expect(readdirSync(s.outside)).toEqual(['secret.txt']);
  expect(readdirSync(s.sibling)).toEqual(['secret.txt']);
}

describe('symlink as the last component', () => {
  beforeEach(() => symlinkSync(join(s.outside, 'secret.txt'), join(s.root, 'link.txt')));

  it('refuses read, write, edit and delete with path_outside_workspace', async () => {
    expect(await codeOf(s.ws.readFile('link.txt', allowAll))).toBe('path_outside_workspace');
    expect(await codeOf(s.ws.writeFile('link.txt', 'pwned', allowAll))).toBe('path_outside_workspace');
    expect(await codeOf(s.ws.editFile('link.txt', 'TOP', 'pwned', allowAll))).toBe('path_outside_workspace');
    expect(await codeOf(s.ws.deleteFile('link.txt', allowAll))).toBe('path_outside_workspace');
    outsideUntouched();
  });

  it('a relative link to the prefix sibling ws_secret is outside too (the /ws vs /ws_secret CVE)', async () => {
    symlinkSync('../ws_secret/secret.txt', join(s.root, 'rel.txt'));
    symlinkSync('../ws_secret', join(s.root, 'sib'));
    expect(await codeOf(s.ws.readFile('rel.txt', allowAll))).toBe('path_outside_workspace');
    expect(await codeOf(s.ws.readFile('sib/secret.txt', allowAll))).toBe('path_outside_workspace');
    expect(await codeOf(s.ws.writeFile('sib/new.txt', 'x', allowAll))).toBe('path_outside_workspace');
    expect(await codeOf(s.ws.listFiles('sib', undefined, allowAll))).toBe('path_outside_workspace');
    outsideUntouched();
  });

  it('a dangling link is refused for writes (where it leads once created cannot be confined)', async () => {
    symlinkSync(join(s.outside, 'planted.txt'), join(s.root, 'dangling.txt'));
    expect(await codeOf(s.ws.writeFile('dangling.txt', 'x', allowAll))).toBe('path_outside_workspace');
    expect(await codeOf(s.ws.deleteFile('dangling.txt', allowAll))).toBe('path_outside_workspace');
    outsideUntouched();
  });
});

describe('symlinked folder in the middle', () => {
  beforeEach(() => symlinkSync(s.outside, join(s.root, 'out')));

  it('refuses reading and editing through it (O_NOFOLLOW alone would not)', async () => {
    expect(await codeOf(s.ws.readFile('out/secret.txt', allowAll))).toBe('path_outside_workspace');
    expect(await codeOf(s.ws.editFile('out/secret.txt', 'TOP', 'x', allowAll))).toBe('path_outside_workspace');
    expect(await codeOf(s.ws.deleteFile('out/secret.txt', allowAll))).toBe('path_outside_workspace');
    expect(await codeOf(s.ws.search('SECRET', 'out', undefined, allowAll))).toBe('path_outside_workspace');
    outsideUntouched();
  });

  it('refuses new files and new folders under a symlinked parent, creating nothing outside', async () => {
    expect(await codeOf(s.ws.writeFile('out/new.txt', 'x', allowAll))).toBe('path_outside_workspace');
    expect(await codeOf(s.ws.writeFile('out/deep/er/new.txt', 'x', allowAll))).toBe('path_outside_workspace');
    outsideUntouched();
  });

  it('refuses commands whose cwd is the symlinked folder', async () => {
    expect(await codeOf(s.ws.runCommand(['pwd'], { cwd: 'out' }))).toBe('path_outside_workspace');
  });
});

describe('links that stay inside', () => {
  it('follows them, and recheck sees the REAL path (globs judge where the bytes are)', async () => {
    mkdirSync(join(s.root, 'src'));
    mkdirSync(join(s.root, 'docs'));
    writeFileSync(join(s.root, 'src/a.ts'), 'code');
    symlinkSync('../src/a.ts', join(s.root, 'docs/a.md'));
    const seen: string[] = [];
    const rec = (p: string): void => void seen.push(p);
    expect((await s.ws.readFile('docs/a.md', rec)).content).toBe('code');
    await s.ws.writeFile('docs/a.md', 'edited', rec);
    // read: once; write: at resolution and again right before the bytes land (the phase fence's check)
    expect(seen).toEqual(['src/a.ts', 'src/a.ts', 'src/a.ts']);
    expect(readFileSync(join(s.root, 'src/a.ts'), 'utf8')).toBe('edited');
  });

  it('delete removes the link itself, never its target', async () => {
    writeFileSync(join(s.root, 'target.txt'), 't');
    symlinkSync('target.txt', join(s.root, 'alias.txt'));
    await s.ws.deleteFile('alias.txt', allowAll);
    expect(existsSync(join(s.root, 'alias.txt'))).toBe(false);
    expect(readFileSync(join(s.root, 'target.txt'), 'utf8')).toBe('t');
  });
});

describe('hard links', () => {
  it('a write replaces the entry (rename) instead of writing through a hard link to an outside file', async () => {
    linkSync(join(s.outside, 'secret.txt'), join(s.root, 'hard.txt'));
    await s.ws.writeFile('hard.txt', 'replaced', allowAll);
    expect(readFileSync(join(s.root, 'hard.txt'), 'utf8')).toBe('replaced');
    outsideUntouched();
  });
});

describe('list_files and search do not walk out', () => {
  it('skip links whose target is outside and never descend into linked folders', async () => {
    mkdirSync(join(s.root, 'src'));
    writeFileSync(join(s.root, 'src/a.ts'), 'SECRET-free');
    symlinkSync(s.outside, join(s.root, 'src/out'));
    symlinkSync(join(s.outside, 'secret.txt'), join(s.root, 'src/leak.txt'));
    symlinkSync('a.ts', join(s.root, 'src/alias.ts'));
    expect((await s.ws.listFiles('.', undefined, allowAll)).files).toEqual(['src/a.ts', 'src/alias.ts']);
    const { matches } = await s.ws.search('SECRET', '.', undefined, allowAll);
    expect(matches).toEqual([{ path: 'src/a.ts', line: 1, text: 'SECRET-free' }]);
  });
});
