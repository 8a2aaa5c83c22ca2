/** `phasegate task show ID --evidence`: fetches the task and its review tasks, prints the chain; exit 1 if it is broken. */
import type { TaskRecord } from '../../core/coordinator/types.js';
import { runAdmin, type AdminClient } from './admin-client.js';
import { buildEvidenceChain } from '../../core/coordinator/evidence-chain.js';
import { renderEvidenceChain } from './evidence-render.js';
import { jsonText } from './terminal-text.js';

export async function showEvidence(client: AdminClient, id: string, json: boolean): Promise<number> {
  let broken = false;
  const code = await runAdmin('task', async () => {
    const task = await client.getTask(id);
    const children = new Map<string, TaskRecord>();
    for (const child of task.spawned) children.set(child, await client.getTask(child));
    const chain = buildEvidenceChain(task, (c) => children.get(c));
    broken = chain.problems.length > 0;
    process.stdout.write(json ? jsonText({ chain }) + '\n' : renderEvidenceChain(chain));
  });
  return code !== 0 ? code : broken ? 1 : 0;
}
