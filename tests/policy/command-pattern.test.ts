import { describe, expect, it } from 'vitest';
import { matchCommand, parseCommandPattern } from '../../core/policy/index.js';

describe('parseCommandPattern', () => {
  it('splits on any whitespace and recognises a final **', () => {
    expect(parseCommandPattern('  npm\ttest  ** ')).toMatchObject({ tokens: ['npm', 'test'], rest: true });
    expect(parseCommandPattern('git status')).toMatchObject({ tokens: ['git', 'status'], rest: false });
    expect(parseCommandPattern('**')).toMatchObject({ tokens: [], rest: true });
  });

  it('refuses an empty pattern and a ** that is not last', () => {
    expect(() => parseCommandPattern('')).toThrow(Error);
    expect(() => parseCommandPattern('   ')).toThrow(Error);
    expect(() => parseCommandPattern('npm ** test')).toThrow(/last/);
  });
});

describe('matchCommand', () => {
  const cases: [string, string[], boolean][] = [
    ['git status', ['git', 'status'], true],
    ['git status', ['git', 'status', '-s'], false],
    ['git status', ['git'], false],
    ['node * --check', ['node', 'a.js', '--check'], true],
    ['node * --check', ['node', '--check'], false],
    ['npm test **', ['npm', 'test'], true],
    ['npm test **', ['npm', 'test', '--', '-t', 'x'], true],
    ['npm test **', ['npm', 'install'], false],
    ['npm test **', ['npm'], false],
    ['**', [], true],
    ['* **', [], false],
    ['git *', ['git', '*'], true],
    ['git log', ['git', 'LOG'], false],
  ];
  it.each(cases)('%j vs %j → %s', (src, argv, expected) => {
    expect(matchCommand(parseCommandPattern(src), argv)).toBe(expected);
  });
});
