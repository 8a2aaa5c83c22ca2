/** The agent sandbox as a value: what the agent of `phasegate run` sees, without a kernel. */
import { describe, expect, it } from 'vitest';
import { agentPlan, type AgentPlanInput } from '../../proxy/sandbox/agent-plan.js';
import type { HostLayout, MountStep } from '../../proxy/sandbox/types.js';

const layout: HostLayout = {
  system: [{ path: '/usr' }, { path: '/bin', symlink: 'usr/bin' }, { path: '/etc' }],
  devices: ['/dev/null'],
  toolchains: ['/opt/node'],
  home: '/home/dev',
  resolver: '/run/systemd/resolve',
  uid: 1000,
  gid: 1000,
};
const input: AgentPlanInput = {
  layout,
  workspace: '/home/dev/proj',
  root: '/tmp/pg-agent/root',
  hidden: ['/home/dev/.ssh', '/home/dev/.local/state/phasegate', '/home/dev/.local/state/phasegate/proj-1', '/home/dev/proj/.phasegate'],
  writable: [{ path: '/home/dev/.claude', file: false }, { path: '/home/dev/.claude.json', file: true }, { path: '/etc/x', file: false }],
  readOnly: ['/tmp/phasegate-run-1', '/', '/home', '/opt/agent/bin'],
};
const view = (steps: readonly MountStep[]) => steps.map((s) => `${s.kind}${'readOnly' in s && !s.readOnly ? ' rw' : ''} ${s.path}`);

describe('agentPlan', () => {
  it('the workspace and $HOME read-only, the agent config writable, keys and state hidden last', () => {
    const steps = view(agentPlan(input).steps);
    expect(steps).toContain('bind /home/dev/proj');
    expect(steps).toContain('bind /home/dev');
    expect(steps).toContain('bind rw /home/dev/.claude');
    expect(steps).toContain('bind rw /home/dev/.claude.json');
    expect(steps).not.toContain('bind rw /etc/x');
    const tail = steps.slice(-3);
    expect(tail).toEqual(['tmpfs /home/dev/.ssh', 'tmpfs /home/dev/proj/.phasegate', 'tmpfs /home/dev/.local/state/phasegate']);
    expect(steps.indexOf('bind /home/dev/proj')).toBeGreaterThan(steps.indexOf('bind /home/dev'));
  });

  it('own /proc, private /tmp, the host network with its resolver', () => {
    const plan = agentPlan(input);
    const steps = view(plan.steps);
    expect(plan.isolateNetwork).toBe(false);
    expect(steps).toEqual(expect.arrayContaining(['proc /proc', 'tmpfs rw /tmp', 'bind /run/systemd/resolve']));
    expect(plan).toMatchObject({ cwd: '/home/dev/proj', uid: 1000, gid: 1000, env: { HOME: '/home/dev', TMPDIR: '/tmp' } });
  });

  it('extra read-only folders add to the view and never replace /, /tmp, $HOME or the workspace', () => {
    const steps = view(agentPlan(input).steps);
    expect(steps).toContain('bind /tmp/phasegate-run-1');
    expect(steps).toContain('bind /opt/agent/bin');
    expect(steps).not.toContain('bind /');
    expect(steps).not.toContain('bind /home');
    expect(steps.indexOf('bind /tmp/phasegate-run-1')).toBeGreaterThan(steps.indexOf('tmpfs rw /tmp'));
  });
});
