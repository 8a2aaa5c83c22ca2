import { describe, expect, it } from 'vitest';
import { loadContract } from '../../core/contract/index.js';
import { agentEnvironment, createProgressLogger, renderPrompt } from '../../proxy/wrapper/index.js';

const vars = {
  PHASEGATE_URL: 'ws://127.0.0.1:1/agent',
  PHASEGATE_HTTP_URL: 'http://127.0.0.1:1',
  PHASEGATE_AGENT_KEY: 'agent-key',
  PHASEGATE_AGENT_ID: 'a1',
  PHASEGATE_TASK_ID: 'T-1',
  PHASEGATE_PHASE_TOKEN: 'tok',
  PHASEGATE_PROMPT_FILE: '/tmp/p.md',
};

describe('agentEnvironment: no operator key reaches the agent', () => {
  it('drops admin, sidecar and JWT keys (any case) and keeps ordinary variables', () => {
    const env = agentEnvironment(
      { PATH: '/bin', PHASEGATE_ADMIN_KEY: 'adm', PHASEGATE_SIDECAR_KEY: 'sc', PHASEGATE_JWT_SECRET: 'j', ORCHESTRATOR_JWT_SECRET: 'o', phasegate_admin_key: 'x' },
      vars,
    );
    expect(env.PATH).toBe('/bin');
    for (const leaked of ['PHASEGATE_ADMIN_KEY', 'PHASEGATE_SIDECAR_KEY', 'PHASEGATE_JWT_SECRET', 'ORCHESTRATOR_JWT_SECRET', 'phasegate_admin_key']) {
      expect(env[leaked]).toBeUndefined();
    }
    expect(env.PHASEGATE_AGENT_KEY).toBe('agent-key');
  });
  it('an operator-set PHASEGATE_AGENT_KEY is replaced by the run\'s own', () => {
    expect(agentEnvironment({ PHASEGATE_AGENT_KEY: 'operator' }, vars).PHASEGATE_AGENT_KEY).toBe('agent-key');
  });
});

describe('renderPrompt', () => {
  it('carries the task, its criteria, the SDK usage (never the token) and every phase of its workflow', async () => {
    const contract = await loadContract('agent_workflow.yaml');
    const text = renderPrompt({
      contract,
      task: { id: 'T-9', title: 'Add slugify', description: 'd', acceptance_criteria: ['slugify("A b") is "a-b"'], workflow: 'default' },
      phase: 'PLAN',
      agentId: 'a1',
      token: 'TOKEN-XYZ',
    });
    expect(text).toContain('Add slugify');
    expect(text).toContain('slugify("A b") is "a-b"');
    expect(text).not.toContain('TOKEN-XYZ');
    expect(text).toContain('AgentClient.connect()');
    for (const phase of ['PLAN', 'TDD', 'IMPL', 'REVIEW', 'COMPLETE']) expect(text).toContain(phase);
  });
});

describe('createProgressLogger', () => {
  it('turns denials and phase changes into one readable line each and drops the rest', async () => {
    const lines: string[] = [];
    const log = createProgressLogger((l) => lines.push(l));
    log.info({ event: 'tool_call_denied', tool: 'write_file', reason: 'path_not_permitted' }, 'tool_call_denied');
    log.info({ event: 'phase_transition_applied', from: 'PLAN', to: 'TDD' }, 'phase_transition_applied');
    log.info({ event: 'agent_connected' }, 'agent_connected');
    await new Promise((r) => setImmediate(r));
    expect(lines).toEqual(['denied write_file: path_not_permitted', 'phase PLAN → TDD']);
  });
});
