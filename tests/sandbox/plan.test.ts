/** The plan is a value: what the sandbox shows is checked here without a kernel. */
import { describe, expect, it } from 'vitest';
import { commandPlan, type CommandPlanInput } from '../../proxy/sandbox/plan.js';
import { renderLaunch } from '../../proxy/sandbox/render.js';
import type { HostLayout, MountStep } from '../../proxy/sandbox/types.js';

const layout: HostLayout = {
  system: [{ path: '/usr' }, { path: '/bin', symlink: 'usr/bin' }, { path: '/lib', symlink: 'usr/lib' }, { path: '/etc' }],
  devices: ['/dev/null', '/dev/urandom'],
  toolchains: ['/home/dev/.nvm/versions/node/v20'],
  home: '/home/dev',
  uid: 1000,
  gid: 1000,
};
const dirs = { root: '/tmp/pg-1/root', upper: '/tmp/pg-1/upper', work: '/tmp/pg-1/work' };
const input: CommandPlanInput = { layout, workspace: '/home/dev/proj', cwd: '/home/dev/proj/sub', dirs, network: false, readOnlyFiles: ['tests/b.test.js', 'tests/a.test.js'], hidden: ['.phasegate'] };

const paths = (steps: readonly MountStep[]) => steps.map((s) => `${s.kind} ${s.path}`);

describe('commandPlan', () => {
  it('shows only read-only system folders, private /tmp and $HOME, fresh /proc, a few devices and the workspace', () => {
    const plan = commandPlan(input);
    expect(paths(plan.steps)).toEqual([
      'bind /usr', 'symlink /bin', 'symlink /lib', 'bind /etc',
      'proc /proc', 'tmpfs /dev', 'bind /dev/null', 'bind /dev/urandom',
      'symlink /dev/fd', 'symlink /dev/stdin', 'symlink /dev/stdout', 'symlink /dev/stderr',
      'tmpfs /tmp', 'tmpfs /home/dev', 'overlay /home/dev/proj', 'bind /home/dev/.nvm/versions/node/v20',
      'tmpfs /home/dev/proj/.phasegate',
      'readonly-file /home/dev/proj/tests/a.test.js', 'readonly-file /home/dev/proj/tests/b.test.js',
    ]);
    for (const s of plan.steps) {
      if (s.kind === 'bind' && !s.path.startsWith('/dev/')) expect(s.readOnly).toBe(true);
    }
    expect(plan.steps.find((s) => s.path === '/home/dev')).toMatchObject({ kind: 'tmpfs', mode: 0o700, readOnly: false });
    expect(plan.steps.find((s) => s.path === '/home/dev/proj/.phasegate')).toMatchObject({ kind: 'tmpfs', readOnly: true });
  });

  it('puts the workspace at its real path as an overlay whose writes go to the private upper folder', () => {
    const ov = commandPlan(input).steps.find((s) => s.kind === 'overlay');
    expect(ov).toEqual({ kind: 'overlay', lower: '/home/dev/proj', upper: dirs.upper, work: dirs.work, path: '/home/dev/proj' });
  });

  it('isolates the network unless the phase allows it', () => {
    expect(commandPlan(input).isolateNetwork).toBe(true);
    expect(commandPlan({ ...input, network: true }).isolateNetwork).toBe(false);
  });

  it('runs as the host user, in the requested folder, with HOME and TMPDIR pointing inside', () => {
    const plan = commandPlan(input);
    expect(plan).toMatchObject({ uid: 1000, gid: 1000, cwd: '/home/dev/proj/sub', root: dirs.root, env: { HOME: '/home/dev', TMPDIR: '/tmp' } });
  });

  it('never mounts $HOME over the workspace when $HOME is inside it, nor a toolchain that is the workspace', () => {
    const plan = commandPlan({ ...input, layout: { ...layout, home: '/home/dev/proj/h', toolchains: ['/home/dev/proj'] } });
    expect(paths(plan.steps).filter((p) => p.includes('/home/dev/proj') && !p.includes('tests') && !p.includes('.phasegate'))).toEqual(['overlay /home/dev/proj']);
  });

  it('a workspace under /tmp is mounted after the private /tmp, not hidden by it', () => {
    const steps = paths(commandPlan({ ...input, workspace: '/tmp/w', cwd: '/tmp/w' }).steps);
    expect(steps.indexOf('overlay /tmp/w')).toBeGreaterThan(steps.indexOf('tmpfs /tmp'));
  });
});

describe('renderLaunch', () => {
  const launcher = { perl: '/usr/bin/perl', syscalls: { mount: 165, umount2: 166, pivotRoot: 155, unshare: 272, prctl: 157 } };

  it('asks for user, mount, PID and (unless the phase allows the network) network namespaces', () => {
    const { file, args } = renderLaunch(commandPlan(input), launcher, ['npm', 'test']);
    expect(file).toBe('/usr/bin/perl');
    expect(args[0]).toBe('-e');
    // CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET
    expect(args.slice(2, 9)).toEqual(['--', '165', '166', '155', '272', '157', String(0x10000000 | 0x20000 | 0x20000000 | 0x40000000)]);
    expect(args.slice(-3)).toEqual(['--', 'npm', 'test']);
    const net = renderLaunch(commandPlan({ ...input, network: true }), launcher, ['true']).args;
    expect(net[8]).toBe(String(0x10000000 | 0x20000 | 0x20000000));
    expect(net).not.toContain('n');
  });

  it('escapes overlay option separators in paths', () => {
    const { args } = renderLaunch(commandPlan({ ...input, workspace: '/w/a,b:c', cwd: '/w/a,b:c' }), launcher, ['true']);
    expect(args.find((a) => a.startsWith('lowerdir='))).toContain('lowerdir=/w/a\\,b\\:c,');
  });

  it('pivots into the new root before the command, as the host uid', () => {
    const { args } = renderLaunch(commandPlan(input), launcher, ['true']);
    const tail = args.slice(args.lastIndexOf('p'));
    expect(tail).toEqual(['p', dirs.root, 'u', '1000', '1000', 'c', '/home/dev/proj/sub', '--', 'true']);
  });
});
