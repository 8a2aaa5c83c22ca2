/**
 * What the agent launched by `phasegate run` sees (SPEC §11 "The agent"): the workspace
 * read-only (every change goes through the sidecar), $HOME read-only with ~/.ssh and
 * phasegate's state hidden, its own config folders writable, a private /tmp, a fresh /proc
 * (no process outside its own tree, so not the wrapper's environ or memory), and the
 * host's network (it must reach the sidecar on 127.0.0.1 and its model). Pure.
 */
import { depth, isWithin, systemSteps } from './plan.js';
import type { HostLayout, MountStep, SandboxPlan } from './types.js';

export interface AgentPlanInput {
  readonly layout: HostLayout;
  /** Real path of the workspace; also the agent's working directory. */
  readonly workspace: string;
  /** Private empty host folder that becomes `/`. */
  readonly root: string;
  /** Existing host folders hidden behind an empty read-only tmpfs: the state dir, ~/.ssh, WORKSPACE/.phasegate. */
  readonly hidden: readonly string[];
  /** Existing host folders or files under $HOME the agent may write (its config: ~/.claude, ~/.claude.json, ~/.codex). */
  readonly writable: readonly { readonly path: string; readonly file: boolean }[];
  /** Existing host folders shown read-only (the prompt file's folder). */
  readonly readOnly: readonly string[];
}

/** Stable order: parents before children; at equal depth binds before the tmpfs that hides. */
function byDepth(a: MountStep, b: MountStep): number {
  return depth(a.path) - depth(b.path) || (a.kind === 'tmpfs' ? 1 : 0) - (b.kind === 'tmpfs' ? 1 : 0);
}

export function agentPlan(i: AgentPlanInput): SandboxPlan {
  const { layout, workspace } = i;
  const steps = systemSteps(layout, true);
  const placed: MountStep[] = [{ kind: 'tmpfs', path: '/tmp', mode: 0o1777, readOnly: false }];
  const home = layout.home;
  const showHome = home !== undefined && home !== '/' && home !== '/tmp' && !layout.system.some((s) => isWithin(home, s.path));
  if (showHome) placed.push({ kind: 'bind', source: home, path: home, readOnly: true, file: false });
  for (const t of layout.toolchains) if (!showHome || !isWithin(t, home)) placed.push({ kind: 'bind', source: t, path: t, readOnly: true, file: false });
  // An extra read-only folder may add to the view, never replace a part of it (no bind over /tmp, $HOME or the workspace).
  const covers = (r: string, p: string | undefined): boolean => p !== undefined && isWithin(p, r);
  for (const r of i.readOnly) {
    if (r === '/' || covers(r, '/tmp') || covers(r, home) || covers(r, workspace)) continue;
    placed.push({ kind: 'bind', source: r, path: r, readOnly: true, file: false });
  }
  placed.push({ kind: 'bind', source: workspace, path: workspace, readOnly: true, file: false });
  placed.sort(byDepth);
  steps.push(...placed);
  // Writable config folders and files, then the hidden folders last: nothing mounted later may reveal them again.
  const writable = showHome ? i.writable.filter((w) => isWithin(w.path, home) && !isWithin(w.path, workspace)) : [];
  for (const w of [...writable].sort((a, b) => depth(a.path) - depth(b.path))) steps.push({ kind: 'bind', source: w.path, path: w.path, readOnly: false, file: w.file });
  // A hidden folder inside another hidden one is already gone (and could not be mounted on).
  const hidden = i.hidden.filter((h) => !i.hidden.some((o) => o !== h && isWithin(h, o)));
  for (const h of [...new Set(hidden)].sort((a, b) => depth(a) - depth(b))) steps.push({ kind: 'tmpfs', path: h, mode: 0o555, readOnly: true });
  const env: Record<string, string> = { TMPDIR: '/tmp' };
  if (home !== undefined) env.HOME = home;
  return { root: i.root, steps, isolateNetwork: false, cwd: workspace, uid: layout.uid, gid: layout.gid, env };
}
