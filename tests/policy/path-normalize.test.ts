import { describe, expect, it } from 'vitest';
import { isInsideRoot, normalizeWorkspacePath } from '../../core/policy/index.js';

describe('normalizeWorkspacePath', () => {
  it.each([
    ['', '.'],
    ['.', '.'],
    ['./', '.'],
    ['a', 'a'],
    ['./a/b/', 'a/b'],
    ['a//b', 'a/b'],
    ['a/./b', 'a/b'],
    ['a/../b', 'b'],
    ['a/..', '.'],
    ['a/b/../../c', 'c'],
    ['.env', '.env'],
    ['..foo', '..foo'],
    ['a/~', 'a/~'],
  ])('%j → %j', (input, path) => {
    expect(normalizeWorkspacePath(input)).toEqual({ ok: true, path });
  });

  it.each([
    '/etc/passwd',
    '//server/share/x',
    '..',
    '../x',
    'a/../../x',
    './..',
    'a/b/../../../x',
    'ok.txt\0../../etc/passwd',
    'a\\..\\..\\x',
    '\\\\server\\share',
    'C:',
    'c:/windows',
    'C:foo',
    '~',
    '~/.ssh/id_rsa',
    '~root/x',
  ])('refuses %j as path_outside_workspace', (input) => {
    const r = normalizeWorkspacePath(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe('path_outside_workspace');
  });

  it.each([undefined, null, 1, {}, ['a']])('refuses a non-string %j as invalid_params', (input) => {
    const r = normalizeWorkspacePath(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe('invalid_params');
  });
});

describe('isInsideRoot', () => {
  it('accepts the root and paths below it', () => {
    expect(isInsideRoot('/ws', '/ws')).toBe(true);
    expect(isInsideRoot('/ws', '/ws/a/b')).toBe(true);
    expect(isInsideRoot('/ws/', '/ws/a')).toBe(true);
    expect(isInsideRoot('/', '/etc')).toBe(true);
  });

  it('refuses a sibling sharing the root name prefix (2025 MCP filesystem CVE)', () => {
    expect('/ws_secret/key'.startsWith('/ws')).toBe(true); // the naive check this defeats
    expect(isInsideRoot('/ws', '/ws_secret/key')).toBe(false);
    expect(isInsideRoot('/ws', '/ws_secret')).toBe(false);
    expect(isInsideRoot('/ws', '/wsx')).toBe(false);
  });

  it('refuses parents and dot-dot escapes', () => {
    expect(isInsideRoot('/ws', '/')).toBe(false);
    expect(isInsideRoot('/ws/a', '/ws')).toBe(false);
    expect(isInsideRoot('/ws', '/ws/../etc')).toBe(false);
  });
});
