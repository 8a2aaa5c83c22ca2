import { describe, expect, it } from 'vitest';
import { splitCommand } from '../../core/policy/index.js';

describe('splitCommand', () => {
  it.each([
    ['npm test', ['npm', 'test']],
    ['  a   b\tc  ', ['a', 'b', 'c']],
    ["echo 'a b' c", ['echo', 'a b', 'c']],
    ["echo 'it''s'", ['echo', 'its']],
    ['echo "a \\"q\\" \\\\ \\$x \\`"', ['echo', 'a "q" \\ $x `']],
    ['echo "a\\nb"', ['echo', 'a\\nb']], // backslash before an ordinary char stays in double quotes
    ['echo a\\ b', ['echo', 'a b']],
    ['echo \\;', ['echo', ';']],
    ["echo '' \"\"", ['echo', '', '']],
    ["echo 'x;y|z&$(rm)`w`'", ['echo', 'x;y|z&$(rm)`w`']],
    ['echo "a;b|c&d>e<f(g)"', ['echo', 'a;b|c&d>e<f(g)']],
    ['echo a\\\nb', ['echo', 'ab']], // backslash-newline is a line continuation
    ['ls *.ts ~ {a,b}', ['ls', '*.ts', '~', '{a,b}']], // no shell: kept literally
    ['', []],
  ])('splits %j', (cmd, argv) => {
    expect(splitCommand(cmd)).toEqual({ ok: true, argv });
  });

  it.each([
    ['a; b', ';'],
    ['a && b', '&'],
    ['a | b', '|'],
    ['a > f', '>'],
    ['a < f', '<'],
    ['echo `id`', '`'],
    ['echo $HOME', '$'],
    ['echo $(id)', '$'],
    ['(a)', '('],
    ['a)', ')'],
    ['a\nb', '\n'],
    ['echo "$(id)"', '$'], // stricter than a plain reading of SPEC: expands in a real shell
    ['echo "`id`"', '`'],
    ['echo "${HOME}"', '$'],
    ["echo 'abc", 'unterminated_quote'],
    ['echo "abc', 'unterminated_quote'],
    ['echo "abc\\"', 'unterminated_quote'],
    ['echo a\\', '\\'],
  ])('refuses %j with operator %j', (cmd, operator) => {
    expect(splitCommand(cmd)).toEqual({ ok: false, operator });
  });
});
