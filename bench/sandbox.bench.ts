/**
 * The command sandbox (SPEC §11) against its floor, measured in the same run:
 * - spawn.true: a bare `spawn('true')` — no process can start faster from Node;
 * - sandbox.run_true: `run_command true` through the sandboxed executor (namespaces, the
 *   read-only system binds, the overlay, pivot_root, the nested user namespace, cleanup);
 * - sandbox.changes_1000: a command that writes 1,000 files of 1 KiB, all permitted, then
 *   the change review and apply as the sidecar does them (decide each, write each through
 *   the workspace's confined write, one `change` audit record each);
 * - fs.write_1000: its floor, Node writing the same 1,000 files straight into the workspace
 *   (file creation speed varies a lot between disks and with load).
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadContract, packageRoot } from '../core/contract/index.js';
import { createLogger } from '../core/log.js';
import { bindPolicy } from '../core/policy/index.js';
import type { PhaseClaims } from '../core/tokens/types.js';
import { openAuditLog } from '../proxy/audit/index.js';
import { createCommandSandbox } from '../proxy/sandbox/index.js';
import { settleChanges } from '../proxy/sidecar/command-changes.js';
import type { SidecarContext } from '../proxy/sidecar/context.js';
import { createWorkspace } from '../proxy/tools/index.js';
import { benchAsync, type BenchResult } from './harness.js';

const logger = createLogger('bench', 'silent');

function spawnTrue(): Promise<void> {
  return new Promise((ok, fail) => {
    const c = spawn('true', [], { stdio: ['ignore', 'pipe', 'pipe'] });
    c.once('error', fail);
    c.once('close', () => ok());
  });
}

export async function benches(): Promise<BenchResult[]> {
  const base = await mkdtemp(join(tmpdir(), 'phasegate-bench-sbx-'));
  try {
    const sandbox = createCommandSandbox({ logger, home: join(base, 'home') });
    const ok = await sandbox.available();
    if (ok !== true) throw new Error(`sandbox unavailable: ${ok}`);
    await mkdir(join(base, 'ws'));
    const ws = await createWorkspace(join(base, 'ws'), { logger, sandbox });
    const results: BenchResult[] = [];
    results.push(await benchAsync('spawn.true', spawnTrue, { samples: 300, warmup: 30 }));
    results.push(await benchAsync('sandbox.run_true', async () => {
      const r = await ws.runCommand(['true'], { cwd: '.' });
      await r.pending?.dispose();
    }, { samples: 300, warmup: 30 }));

    const contract = await loadContract(join(packageRoot(), 'agent_workflow.yaml'));
    const assignment = { agentId: 'bench', taskId: 't1', workflow: 'default', phase: 'IMPL', epoch: 1 };
    const policy = bindPolicy(contract, assignment);
    const claims: PhaseClaims = {
      iss: 'phasegate-coordinator', aud: 'phasegate', sub: 'bench', task_id: 't1', phase: 'IMPL', epoch: 1,
      allowed_tools: [...(contract.workflows.get('default')?.phases.get('IMPL')?.allowed ?? [])],
      contract: contract.sha256, iat: 0, exp: 2 ** 31, jti: 'bench',
    };
    const audit = await openAuditLog({ dir: join(base, 'audit'), logger });
    const ctx = { agentId: 'bench', session: { assignment, policy }, workspace: ws, audit, logger } as unknown as SidecarContext;
    const write1000 = 'mkdir -p out && i=0; while [ $i -lt 1000 ]; do printf "%1024s" "$i" > out/f$i.txt; i=$((i+1)); done';
    let n = 0;
    results.push(await benchAsync('sandbox.changes_1000', async () => {
      const r = await ws.runCommand(['sh', '-c', write1000], { cwd: '.' });
      if (r.pending === undefined) throw new Error('not sandboxed');
      const res = await settleChanges(ctx, policy, { id: `c${++n}`, tool: 'run_command', claims, nowSec: 1 }, r.pending);
      if (res.applied.length !== 1000) throw new Error(`applied ${res.applied.length} of 1000`);
      await rm(join(ws.root, 'out'), { recursive: true, force: true });
    }, { samples: 30, warmup: 3 }));
    const block = Buffer.alloc(1024, 0x20);
    results.push(await benchAsync('fs.write_1000', async () => {
      const dir = join(ws.root, 'out');
      await mkdir(dir);
      for (let i = 0; i < 1000; i++) await writeFile(join(dir, `f${i}.txt`), block);
      await rm(dir, { recursive: true, force: true });
    }, { samples: 30, warmup: 3 }));
    await audit.close();
    return results;
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}
