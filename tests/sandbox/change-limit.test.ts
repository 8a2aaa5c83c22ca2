/** A command that changes more files than the review takes has none applied (bounded audit and result). */
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadContract } from '../../core/contract/index.js';
import { bindPolicy } from '../../core/policy/index.js';
import type { PhaseClaims } from '../../core/tokens/types.js';
import type { AuditEntry } from '../../proxy/audit/types.js';
import { createCommandSandbox } from '../../proxy/sandbox/index.js';
import { settleChanges } from '../../proxy/sidecar/command-changes.js';
import type { SidecarContext } from '../../proxy/sidecar/context.js';
import { createWorkspace } from '../../proxy/tools/index.js';
import { errorOf } from '../tools/helpers.js';
import { REPO_CONTRACT } from '../sidecar/stack.js';
import { silent } from './helpers.js';

let base: string;
afterEach(() => rmSync(base, { recursive: true, force: true }));

it('over the limit: nothing applied, no change records, tool_failed too_many_changes', async () => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'pg-limit-')));
  mkdirSync(join(base, 'ws'));
  const ws = await createWorkspace(join(base, 'ws'), { logger: silent, sandbox: createCommandSandbox({ logger: silent }) });
  const contract = await loadContract(REPO_CONTRACT);
  const assignment = { agentId: 'a', taskId: 't', workflow: 'default', phase: 'IMPL', epoch: 1 };
  const policy = bindPolicy(contract, assignment);
  const claims: PhaseClaims = {
    iss: 'phasegate-coordinator', aud: 'phasegate', sub: 'a', task_id: 't', phase: 'IMPL', epoch: 1,
    allowed_tools: ['write_file', 'delete_file', 'run_command'], contract: contract.sha256, iat: 0, exp: 2 ** 31, jti: 'j',
  };
  const records: AuditEntry[] = [];
  const ctx = { agentId: 'a', session: { assignment, policy }, workspace: ws, audit: { append: async (e: AuditEntry) => records.push(e) }, logger: silent } as unknown as SidecarContext;
  const r = await ws.runCommand(['sh', '-c', 'for i in 1 2 3 4; do echo $i > src$i.txt; done'], { cwd: '.' });
  expect(r.pending?.list).toHaveLength(4);
  const call = { id: 'c1', tool: 'run_command', claims, nowSec: 1 };
  const err = await errorOf(settleChanges(ctx, policy, call, r.pending as NonNullable<typeof r.pending>, 3));
  expect(err.code).toBe('tool_failed');
  expect(err.detail?.['detail']).toMatch(/^too_many_changes: 4 files/);
  expect(records).toEqual([]);
  expect(existsSync(join(base, 'ws', 'src1.txt'))).toBe(false);

  // Within the limit the same changes are applied.
  const again = await ws.runCommand(['sh', '-c', 'for i in 1 2 3; do echo $i > src$i.txt; done'], { cwd: '.' });
  const ok = await settleChanges(ctx, policy, call, again.pending as NonNullable<typeof again.pending>, 3);
  expect(ok.applied).toEqual(['src1.txt', 'src2.txt', 'src3.txt']);
  expect(records.map((e) => e.type)).toEqual(['change', 'change', 'change']);
});
