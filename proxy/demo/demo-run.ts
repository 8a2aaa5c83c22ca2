import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadContract, packageRoot } from '../../core/contract/index.js';
import { startCoordinator } from '../../core/coordinator/http/index.js';
import { buildEvidenceChain, type EvidenceChain } from '../../core/coordinator/evidence-chain.js';
import type { Logger } from '../../core/log.js';
import { runAgent } from '../wrapper/index.js';
import { summarizeAudit, type AuditSummary } from './audit-summary.js';
import { followDemoEvents } from './demo-events.js';
import { createScratchProject, DEMO_TASK } from './scratch-project.js';
import { summarizeTask, type TaskSummary } from './task-summary.js';

export interface DemoOptions {
  /** One progress line (the CLI prints it on stderr). */
  readonly report: (line: string) => void;
  readonly logger: Logger;
  /** Keep the temp directory instead of deleting it (its path is in the summary). */
  readonly keep?: boolean;
  /** Where the compiled example agents are (default PACKAGE/dist/examples). */
  readonly examplesDir?: string;
}

export interface DemoSummary {
  readonly ok: boolean;
  readonly seconds: number;
  readonly root: string;
  readonly kept: boolean;
  readonly exitCodes: Readonly<Record<string, number>>;
  readonly tasks: readonly TaskSummary[];
  readonly audits: readonly AuditSummary[];
  /** The main task's evidence chain, as `phasegate task show ID --evidence` prints it. */
  readonly evidence: EvidenceChain | undefined;
}

const secret = () => randomBytes(32).toString('base64url');

/**
 * `phasegate demo`: a coordinator in this process, the scripted agent behind a sidecar on a
 * fresh task, the review agent on the spawned review task, the approval auto-granted, then
 * the walk and the audit logs summarized. Everything lives in one temp directory; the
 * coordinator's data and the audit logs sit outside the agent's workspace.
 */
export async function runDemo(opts: DemoOptions): Promise<DemoSummary> {
  const started = Date.now();
  const examplesDir = opts.examplesDir ?? join(packageRoot(), 'dist', 'examples');
  const agentScript = join(examplesDir, 'scripted-agent.js');
  const reviewScript = join(examplesDir, 'review-agent.js');
  if (!existsSync(agentScript) || !existsSync(reviewScript)) throw new Error(`no compiled example agents in ${examplesDir}: run \`npm run build\` first`);

  const root = await mkdtemp(join(tmpdir(), 'phasegate-demo-'));
  const workspace = join(root, 'workspace');
  try {
    await createScratchProject(workspace, join(packageRoot(), 'agent_workflow.yaml'));
    const contractFile = join(workspace, 'agent_workflow.yaml');
    const contract = loadContract(contractFile);
    // HS256 with a secret that exists only in this process: sidecars verify tokens locally.
    const jwtSecret = secret();
    const env = { PHASEGATE_ADMIN_KEY: secret(), PHASEGATE_SIDECAR_KEY: secret(), PHASEGATE_JWT_SECRET: jwtSecret };
    opts.report(`workspace ${workspace}`);
    const coordinator = await startCoordinator({ dataDir: join(root, 'coordinator'), port: 0, contractFile, env, logger: opts.logger });
    const exitCodes: Record<string, number> = {};
    const agents: { id: string; auditDir: string; run: Promise<number> }[] = [];
    try {
      const task = await coordinator.service.createTask({ ...DEMO_TASK, acceptance_criteria: [...DEMO_TASK.acceptance_criteria] });
      opts.report(`coordinator ${coordinator.url}; created task ${task.id} "${task.title}"`);
      const launch = (agentId: string, script: string, taskId: string, capabilities?: string[]) => {
        const auditDir = join(root, 'audit', agentId);
        const run = runAgent({
          command: [process.execPath, script],
          workspace,
          contractFile,
          agentId,
          coordinator: { url: coordinator.url, sidecarKey: coordinator.sidecarKey, jwtSecret },
          taskId,
          ...(capabilities !== undefined && { capabilities }),
          auditDir,
          logger: opts.logger,
          report: (line) => opts.report(`${agentId}: ${line}`),
        });
        agents.push({ id: agentId, auditDir, run });
      };
      const stopEvents = followDemoEvents(coordinator.service, {
        report: opts.report,
        onReviewTask: (childId) => launch(`demo-reviewer-${agents.length}`, reviewScript, childId, ['review']),
      });
      launch('demo-agent', agentScript, task.id);
      // Reviewers are launched while the first agent runs: wait until no new one appears.
      for (let awaited = 0; awaited < agents.length; ) {
        const batch = agents.slice(awaited);
        awaited = agents.length;
        await Promise.all(batch.map(async (a) => (exitCodes[a.id] = await a.run.catch((err: Error) => (opts.report(`${a.id}: ${err.message}`), 1)))));
      }
      stopEvents();
      const tasks = coordinator.service
        .listTasks()
        .sort((a, b) => a.created_at.localeCompare(b.created_at))
        .map((t) => summarizeTask(t, contract));
      const audits = await Promise.all(agents.map((a) => summarizeAudit(a.auditDir, a.id)));
      const main = tasks.find((t) => t.id === task.id);
      const record = coordinator.service.getTask(task.id);
      const evidence = record === undefined ? undefined : buildEvidenceChain(record, (id) => coordinator.service.getTask(id));
      const ok =
        Object.values(exitCodes).every((c) => c === 0) &&
        main?.phases.at(-1) === 'COMPLETE' &&
        audits.every((a) => a.verified) &&
        evidence?.problems.length === 0;
      return { ok, seconds: (Date.now() - started) / 1000, root, kept: opts.keep === true, exitCodes, tasks, audits, evidence };
    } finally {
      await coordinator.close();
    }
  } finally {
    if (opts.keep !== true) await rm(root, { recursive: true, force: true });
  }
}
