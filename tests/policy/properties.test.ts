/** Property tests: the confinement and shell-operator guarantees hold for generated input. */
import fc from 'fast-check';
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bindPolicy, matchCommand, normalizeWorkspacePath, parseCommandPattern, splitCommand } from '../../core/policy/index.js';
import { assignment, claimsFor, makeContract, NOW } from './fixture.js';

const RUNS = { numRuns: 2_000 };

const segment = fc.oneof(fc.constantFrom('..', '.', 'a', 'b', 'x/..', '', '...', '.a', 'a..'), fc.string({ maxLength: 4 }));
const pathLike = fc.oneof(
  fc.array(segment, { maxLength: 8 }).map((s) => s.join('/')),
  fc.string({ maxLength: 16 }),
);

/** IMPL allows reads everywhere: only confinement can refuse these. */
const impl = bindPolicy(makeContract('permissive'), assignment('IMPL'));
const implClaims = claimsFor(assignment('IMPL'));

describe('property: no path escaping the root is ever allowed', () => {
  it('normalizeWorkspacePath refuses every escaping path and keeps the rest below the root', () => {
    fc.assert(
      fc.property(pathLike, (p) => {
        const oracle = posix.normalize(p);
        const escapes = oracle === '..' || oracle.startsWith('../') || posix.isAbsolute(oracle);
        const r = normalizeWorkspacePath(p);
        if (escapes) expect(r.ok).toBe(false);
        if (r.ok) {
          expect(r.path === '..' || r.path.startsWith('../') || r.path.startsWith('/')).toBe(false);
          expect(r.path.split('/').some((s) => s === '..' || s === '' || (s === '.' && r.path !== '.'))).toBe(false);
          expect(posix.normalize(r.path)).toBe(r.path);
          expect(r.path).toBe(oracle === './' ? '.' : oracle.replace(/(.)\/$/, '$1'));
        }
      }),
      RUNS,
    );
  });

  it('decide (even in permissive mode) never allows or would-allow an escaping path', () => {
    fc.assert(
      fc.property(pathLike, fc.constantFrom('read_file', 'write_file', 'delete_file'), (p, tool) => {
        const oracle = posix.normalize(p);
        const escapes = oracle === '..' || oracle.startsWith('../') || posix.isAbsolute(oracle);
        const d = impl.decide(implClaims, { tool, args: { path: p, content: '' } }, NOW);
        if (escapes) expect(d).toMatchObject({ decision: 'deny', reason: 'path_outside_workspace' });
      }),
      RUNS,
    );
  });
});

const word = fc.stringMatching(/^[A-Za-z0-9_.=+-]{1,8}$/);
const operator = fc.constantFrom(';', '&', '|', '<', '>', '`', '$', '(', ')', '\n', '&&', '||', '$(', '>>');
const anyPattern = parseCommandPattern('**');

describe('property: an unquoted shell operator is always refused', () => {
  it('words + an unquoted operator anywhere → {ok:false}, so not even `**` can match', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 6 }), operator, fc.nat(), fc.boolean(), (words, op, at, spaced) => {
        const i = at % (words.length + 1);
        const parts = [...words.slice(0, i), op, ...words.slice(i)];
        const command = spaced ? parts.join(' ') : parts.join('');
        const r = splitCommand(command);
        expect(r.ok).toBe(false);
        const d = impl.decide(implClaims, { tool: 'run_command', args: { command } }, NOW);
        expect(d).toMatchObject({ decision: 'deny', reason: 'shell_operator' });
        if (r.ok) expect(matchCommand(anyPattern, r.argv)).toBe(false); // unreachable unless the split is broken
      }),
      RUNS,
    );
  });

  it('an operator inside double quotes stays refused when it is $ or a backtick', () => {
    fc.assert(
      fc.property(word, fc.constantFrom('$', '`', '$(', '${'), word, (a, op, b) => {
        expect(splitCommand(`echo "${a}${op}${b}"`).ok).toBe(false);
      }),
      RUNS,
    );
  });
});

describe('property: quoted operators are literal argv', () => {
  it('single-quoted words come back verbatim, operators and all', () => {
    const literal = fc.string({ maxLength: 12 }).filter((s) => !s.includes("'"));
    fc.assert(
      fc.property(fc.array(literal, { minLength: 1, maxLength: 5 }), (args) => {
        const command = ['run', ...args.map((a) => `'${a}'`)].join(' ');
        expect(splitCommand(command)).toEqual({ ok: true, argv: ['run', ...args] });
      }),
      RUNS,
    );
  });

  it('double-quoted words with operators other than $ and backtick come back verbatim', () => {
    const literal = fc.string({ maxLength: 12 }).filter((s) => !/["$`\\]/.test(s));
    fc.assert(
      fc.property(fc.array(literal, { minLength: 1, maxLength: 5 }), operator.filter((o) => !/[$`]/.test(o)), (args, op) => {
        const withOp = args.map((a) => a + op);
        const command = ['run', ...withOp.map((a) => `"${a}"`)].join(' ');
        expect(splitCommand(command)).toEqual({ ok: true, argv: ['run', ...withOp] });
      }),
      RUNS,
    );
  });
});
