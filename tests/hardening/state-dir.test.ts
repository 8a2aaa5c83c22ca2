/** The state dir (SPEC §3): where it is, its mode, and the workspaces it refuses to live in. */
import { chmod, mkdir, mkdtemp, readdir, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStateDir, stateDirFor, statePathsFor, workspaceId, StateDirError } from '../../proxy/wrapper/index.js';

let root: string;
let ws: string;
beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'phasegate-state-')));
  ws = join(root, 'my project');
  await mkdir(ws);
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(StateDirError);
  return (err as StateDirError).code;
}

describe('stateDirFor: where the state lives', () => {
  it('PHASEGATE_STATE_DIR wins, then an absolute XDG_STATE_HOME, then ~/.local/state', () => {
    expect(stateDirFor('/w/app', { PHASEGATE_STATE_DIR: '/s/x', XDG_STATE_HOME: '/x' }, '/home/u')).toBe('/s/x');
    expect(stateDirFor('/w/app', { XDG_STATE_HOME: '/x' }, '/home/u')).toBe(`/x/phasegate/${workspaceId('/w/app')}`);
    expect(stateDirFor('/w/app', { XDG_STATE_HOME: 'relative' }, '/home/u')).toBe(`/home/u/.local/state/phasegate/${workspaceId('/w/app')}`);
    expect(stateDirFor('/w/app', {}, '/home/u')).toBe(`/home/u/.local/state/phasegate/${workspaceId('/w/app')}`);
  });
  it('the id is readable and distinct for two workspaces with the same name', () => {
    expect(workspaceId('/a/app')).toMatch(/^app-[0-9a-f]{12}$/);
    expect(workspaceId('/a/app')).not.toBe(workspaceId('/b/app'));
    expect(workspaceId('/a/my project/../x y')).toMatch(/^x_y-/);
  });
});

describe('openStateDir', () => {
  it('creates the dir 0700 under XDG_STATE_HOME, keyed by the real path (a symlinked workspace maps to the same dir)', async () => {
    const env = { XDG_STATE_HOME: join(root, 'xdg') };
    const paths = await openStateDir(ws, env);
    expect(paths.dir).toBe(join(root, 'xdg', 'phasegate', workspaceId(ws)));
    expect((await stat(paths.dir)).mode & 0o777).toBe(0o700);
    await symlink(ws, join(root, 'alias'));
    expect((await openStateDir(join(root, 'alias'), env)).dir).toBe(paths.dir);
    expect(statePathsFor(join(root, 'alias'), env)?.adminKeyFile).toBe(join(paths.dir, 'coordinator', 'admin.key'));
  });
  it('tightens a looser mode to 0700', async () => {
    const dir = join(root, 'state');
    await mkdir(dir, { mode: 0o755 });
    await chmod(dir, 0o755);
    await openStateDir(ws, { PHASEGATE_STATE_DIR: dir });
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });
  it('refuses a state dir inside the workspace and creates nothing there', async () => {
    expect(await refusal(openStateDir(ws, { PHASEGATE_STATE_DIR: join(ws, '.state') }))).toBe('state_dir_inside_workspace');
    expect(await refusal(openStateDir(ws, { PHASEGATE_STATE_DIR: ws }))).toBe('state_dir_inside_workspace');
    expect(await readdir(ws)).toEqual([]);
  });
  it('refuses a state dir that reaches into the workspace through a symlink', async () => {
    await mkdir(join(ws, 'inner'));
    await symlink(join(ws, 'inner'), join(root, 'sneaky'));
    expect(await refusal(openStateDir(ws, { PHASEGATE_STATE_DIR: join(root, 'sneaky', 'state') }))).toBe('state_dir_inside_workspace');
    expect(await readdir(join(ws, 'inner'))).toEqual([]);
  });
  it('refuses a missing workspace or a file, before creating anything', async () => {
    const state = join(root, 'state');
    expect(await refusal(openStateDir(join(root, 'nope'), { PHASEGATE_STATE_DIR: state }))).toBe('workspace_not_found');
    await writeFile(join(root, 'file'), 'x');
    expect(await refusal(openStateDir(join(root, 'file'), { PHASEGATE_STATE_DIR: state }))).toBe('workspace_not_directory');
    await expect(stat(state)).rejects.toThrow(/ENOENT/);
  });
  it('refuses a state path that is a file', async () => {
    await writeFile(join(root, 'statefile'), 'x');
    await expect(openStateDir(ws, { PHASEGATE_STATE_DIR: join(root, 'statefile') })).rejects.toThrow();
  });
});

describe('assertAuditDirOutside', () => {
  it('refuses an audit dir inside the workspace (also through a symlink), accepts one outside', async () => {
    const { assertAuditDirOutside } = await import('../../proxy/wrapper/state-dir.js');
    expect(await refusal(assertAuditDirOutside(join(ws, 'logs', 'audit'), ws))).toBe('audit_dir_inside_workspace');
    await symlink(ws, join(root, 'alias'));
    expect(await refusal(assertAuditDirOutside(join(root, 'alias', 'audit'), ws))).toBe('audit_dir_inside_workspace');
    await expect(assertAuditDirOutside(join(root, 'audit'), ws)).resolves.toBeUndefined();
  });
});
