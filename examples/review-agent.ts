/**
 * A scripted review agent (no LLM): claims a review task spawned on IMPL → REVIEW, reads
 * the change, submits a `review` artifact and completes the review task.
 *
 *     phasegate run --task REVIEW_TASK_ID --capability review -- node dist/examples/review-agent.js
 *
 * Its "judgement" is a few mechanical checks; a finding with severity `blocking` would keep
 * the reviewed task from completing (gate no_blocking_issues).
 */
import { AgentClient } from '../sdk/index.js';
import { expectApplied, expectRefusal, runMain, say } from './narrate.js';

const WHO = 'reviewer';

interface Issue {
  severity: 'blocking' | 'major' | 'minor' | 'nit';
  file: string;
  message: string;
}

async function main(): Promise<void> {
  const agent = await AgentClient.connect();
  try {
    const { task, phase } = await agent.claimTask({ capabilities: ['review'] });
    say(WHO, `reviewing for ${task.id} "${task.title}" in ${phase}`);
    const { files } = await agent.listFiles({ path: 'src' });
    const issues: Issue[] = [];
    for (const file of files) {
      const path = file.startsWith('src/') ? file : `src/${file}`;
      const { content, bytes } = await agent.readFile(path);
      say(WHO, `read ${path} (${bytes} bytes)`);
      issues.push(...check(path, content));
    }
    // A reviewer only looks: fixing the code itself would bypass the author's TDD loop.
    await expectRefusal(WHO, 'write src/fix.js as the reviewer', 'tool_forbidden', () => agent.writeFile('src/fix.js', '// fix\n'));
    const blocking = issues.filter((i) => i.severity === 'blocking').length;
    const verdict = blocking > 0 ? 'request_changes' : 'approve';
    say(WHO, `verdict: ${verdict} (${issues.length} issue(s), ${blocking} blocking)`);
    expectApplied(
      WHO,
      await agent.requestTransition('COMPLETE', {
        review: { verdict, summary: `Read ${files.length} source file(s).`, issues },
      }),
    );
  } finally {
    agent.close();
  }
}

function check(file: string, content: string): Issue[] {
  const issues: Issue[] = [];
  if (content.trim() === '') issues.push({ severity: 'blocking', file, message: 'empty source file' });
  if (/\bTODO\b/.test(content)) issues.push({ severity: 'minor', file, message: 'leftover TODO' });
  if (!content.includes('/**')) issues.push({ severity: 'nit', file, message: 'no doc comment' });
  return issues;
}

runMain(WHO, main);
