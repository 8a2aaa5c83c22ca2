/**
 * The default contract, judged by behaviour: bind it with the real policy and check each
 * rule SPEC §8 demands of it, plus the files that define the test command.
 */
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../core/contract/index.js';
import { bindPolicy } from '../../core/policy/index.js';
import type { PhaseClaims } from '../../core/tokens/types.js';

const contract = await loadContract('agent_workflow.yaml');
const NOW = 1_800_000_000;

function decideIn(phase: string, tool: string, args: Record<string, unknown>, workflow = 'default') {
  const assignment = { agentId: 'a1', taskId: 'T-1', workflow, phase, epoch: 1 };
  const allowed = [...(contract.workflows.get(workflow)?.phases.get(phase)?.allowed ?? [])];
  const claims: PhaseClaims = {
    iss: 'phasegate-coordinator', aud: 'phasegate', sub: 'a1', task_id: 'T-1', phase, allowed_tools: allowed,
    epoch: 1, contract: contract.sha256, iat: NOW, exp: NOW + 60, jti: 'j',
  };
  return bindPolicy(contract, assignment).decide(claims, { tool, args }, NOW);
}
const write = (phase: string, path: string) => decideIn(phase, 'write_file', { path, content: 'x' });

describe('default contract, by decision', () => {
  it('PLAN writes plan documents only', () => {
    expect(write('PLAN', 'docs/plans/plan.md').decision).toBe('allow');
    expect(write('PLAN', 'src/app.js').reason).toBe('path_not_permitted');
    expect(write('PLAN', 'tests/app.test.js').reason).toBe('path_not_permitted');
    expect(decideIn('PLAN', 'run_command', { argv: ['ls'] }).reason).toBe('tool_forbidden');
  });
  it('TDD writes test files only', () => {
    expect(write('TDD', 'tests/app.test.js').decision).toBe('allow');
    expect(write('TDD', 'src/deep/app.spec.ts').decision).toBe('allow');
    expect(write('TDD', 'src/app.js').reason).toBe('path_not_permitted');
    expect(decideIn('TDD', 'run_command', { command: 'bash -c "rm -rf src"' }).reason).toBe('command_not_permitted');
  });
  it('IMPL writes source but may not touch tests', () => {
    expect(write('IMPL', 'src/app.js').decision).toBe('allow');
    expect(write('IMPL', 'tests/app.test.js').reason).toBe('path_not_permitted');
    expect(decideIn('IMPL', 'edit_file', { path: 'src/app.test.js', old: 'a', new: 'b' }).reason).toBe('path_not_permitted');
    expect(decideIn('IMPL', 'delete_file', { path: 'tests/app.test.js' }).reason).toBe('path_not_permitted');
  });
  it('REVIEW and the review workflow are read-only', () => {
    expect(decideIn('REVIEW', 'read_file', { path: 'src/app.js' }).decision).toBe('allow');
    expect(write('REVIEW', 'src/app.js').reason).toBe('tool_forbidden');
    expect(decideIn('REVIEW', 'write_file', { path: 'src/a.js', content: 'x' }, 'review').reason).toBe('tool_forbidden');
  });
  it.each(['package.json', 'package-lock.json', '.npmrc', 'sub/.npmrc', 'node_modules/left-pad/index.js', 'agent_workflow.yaml', '.git/hooks/pre-commit', '.phasegate/audit/tool_audit.jsonl', 'vitest.config.ts'])(
    'no phase may write %s (it defines how the tests run, or is phasegate\'s own)',
    (path) => {
      for (const phase of ['PLAN', 'TDD', 'IMPL']) expect(write(phase, path).reason).toBe('path_not_permitted');
    },
  );
  it('transitions carry the gates, the test lock, the review spawn and the approval', () => {
    const wf = contract.workflows.get('default');
    expect(wf?.transitionIndex.get('TDD->IMPL')?.lockTests).toBe(true);
    expect(wf?.transitionIndex.get('IMPL->REVIEW')?.checks).toContain('tests_unchanged');
    expect(wf?.transitionIndex.get('IMPL->REVIEW')?.spawn).toEqual([{ workflow: 'review', title: 'Review {{ task.id }}', capabilities: ['review'], count: 1 }]);
    expect(wf?.transitionIndex.get('REVIEW->COMPLETE')?.approval).toBe(true);
    expect(wf?.transitionIndex.get('REVIEW->IMPL')).toBeDefined();
  });
});
