import { describe, expect, it } from 'vitest';
import { bindPolicy } from '../../core/policy/index.js';
import { assignment, claimsFor, makeContract, NOW } from './fixture.js';

function writeIn(taskId: string, agentId: string, path: string) {
  const a = assignment('PLAN', { taskId, agentId });
  return bindPolicy(makeContract(), a).decide(claimsFor(a), { tool: 'write_file', args: { path, content: '' } }, NOW);
}

describe('glob templates', () => {
  it('expands {{ task.id }} and {{agent.id}} into the bound ids', () => {
    expect(writeIn('t-42', 'alice', 'work/t-42/notes.md').decision).toBe('allow');
    expect(writeIn('t-42', 'alice', 'agents/alice/x.md').decision).toBe('allow');
    expect(writeIn('t-42', 'alice', 'work/t-43/notes.md').reason).toBe('path_not_permitted');
    expect(writeIn('t-42', 'alice', 'agents/bob/x.md').reason).toBe('path_not_permitted');
  });

  it('an id full of glob metacharacters matches only itself, never other folders', () => {
    for (const id of ['*', '**', '{t-1,t-2}', '[ab]', '?', '!(x)', '+(t)', '@(t)', 'a.b', 'a b', 'a,b', '$^', '.', '..']) {
      if (id !== '.' && id !== '..') expect(writeIn(id, 'alice', `work/${id}/notes.md`).decision).toBe('allow');
      for (const other of ['work/t-1/notes.md', 'work/t-2/notes.md', 'work/a/notes.md', 'work/x/notes.md', 'work/notes.md']) {
        expect(writeIn(id, 'alice', other).reason).toBe('path_not_permitted');
      }
    }
  });

  it('an agent id of ".." cannot widen agents/{{agent.id}}/** beyond agents/', () => {
    for (const path of ['agents/x', 'src/a.ts', 'agents/bob/a']) {
      expect(writeIn('t', '..', path).reason).toBe('path_not_permitted');
    }
  });

  it('a backslash id never matches a real path (backslash paths are refused first)', () => {
    expect(writeIn('a\\b', 'alice', 'work/ab/x').reason).toBe('path_not_permitted');
    expect(writeIn('a\\b', 'alice', 'work/a\\b/x').reason).toBe('path_outside_workspace');
  });
});
