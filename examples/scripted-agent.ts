/**
 * A scripted agent (no LLM): walks one task PLAN → TDD → IMPL → REVIEW → COMPLETE through
 * the SDK, and on the way tries what the contract forbids, printing each refusal.
 *
 *     phasegate run --coordinator URL --task T-1 -- node dist/examples/scripted-agent.js
 *
 * It expects a tiny node project as workspace (`npm test` = `node --test`), someone to run
 * the review agent on the spawned review task, and someone to approve REVIEW → COMPLETE;
 * `phasegate demo` does all three. Exit 0 when the task is COMPLETE, 1 with a message otherwise.
 */
import { AgentClient } from '../sdk/index.js';
import { expectApplied, expectBlocked, expectRefusal, runMain, say } from './narrate.js';
import { ACCEPTANCE_CRITERIA, IMPLEMENTATION, SOURCE_FILE, TEST_FILE, TEST_SOURCE, planDocument } from './slugify-work.js';

const WHO = 'agent';
const REVIEW_WAIT_MS = 120_000;
const APPROVAL_WAIT_MS = 300_000;

async function main(): Promise<void> {
  const agent = await AgentClient.connect();
  try {
    // The wrapper already claimed the task; claiming again while we hold it returns it.
    const { task, phase } = await agent.claimTask();
    say(WHO, `working on ${task.id} "${task.title}" in ${phase}`);
    if (phase !== 'PLAN') throw new Error(`this script starts in PLAN, the task is in ${phase}`);
    await plan(agent, task.id, task.title);
    await tdd(agent);
    await impl(agent);
    await review(agent);
  } finally {
    agent.close();
  }
}

async function plan(agent: AgentClient, taskId: string, title: string): Promise<void> {
  await expectRefusal(WHO, `write ${SOURCE_FILE} in PLAN`, 'path_not_permitted', () => agent.writeFile(SOURCE_FILE, IMPLEMENTATION));
  await expectRefusal(WHO, 'read ../../etc/passwd', 'path_outside_workspace', () => agent.readFile('../../etc/passwd'));
  const planFile = `docs/plans/${taskId}.md`;
  await agent.writeFile(planFile, planDocument(taskId, title));
  say(WHO, `wrote ${planFile}`);
  expectApplied(
    WHO,
    await agent.requestTransition('TDD', {
      plan: {
        summary: 'Add a slugify() helper to src/, tested with node:test.',
        acceptance_criteria: ACCEPTANCE_CRITERIA,
        steps: ['write failing tests', 'implement', 'review'],
        files: [TEST_FILE, SOURCE_FILE],
        plan_file: planFile,
      },
    }),
  );
}

async function tdd(agent: AgentClient): Promise<void> {
  await expectRefusal(WHO, 'run "npm test; rm -rf x"', 'shell_operator', () => agent.runCommand('npm test; rm -rf x'));
  await expectRefusal(WHO, 'run "bash -c \'rm -rf src\'"', 'command_not_permitted', () => agent.runCommand(['bash', '-c', 'rm -rf src']));
  await agent.writeFile(TEST_FILE, TEST_SOURCE);
  say(WHO, `wrote ${TEST_FILE}`);
  const testsArtifact = { tests: { test_files: [{ path: TEST_FILE, covers: ACCEPTANCE_CRITERIA }] } };
  // Leaving TDD before the tests have been seen failing: the gate wants a red run first.
  expectBlocked(WHO, 'TDD → IMPL before running the tests', await agent.requestTransition('IMPL', testsArtifact));
  const red = await agent.runTests();
  say(WHO, `run_tests: exit ${red.exit_code}, ${red.passed} passed, ${red.failed} failed (red, as TDD wants)`);
  if (red.exit_code === 0) throw new Error('the new tests pass before any implementation exists');
  expectApplied(WHO, await agent.requestTransition('IMPL', testsArtifact));
}

async function impl(agent: AgentClient): Promise<void> {
  await expectRefusal(WHO, `edit ${TEST_FILE} in IMPL`, 'path_not_permitted', () => agent.editFile(TEST_FILE, "'hello-world'", "slugify('Hello World')"));
  await expectRefusal(WHO, 'edit package.json (protected: it defines the test command)', 'path_not_permitted', () =>
    agent.writeFile('package.json', '{"scripts":{"test":"true"}}\n'),
  );
  await agent.writeFile(SOURCE_FILE, IMPLEMENTATION);
  say(WHO, `wrote ${SOURCE_FILE}`);
  const green = await agent.runTests();
  say(WHO, `run_tests: exit ${green.exit_code}, ${green.passed} passed, ${green.failed} failed`);
  if (green.exit_code !== 0) throw new Error(`the implementation does not pass the tests:\n${green.output}`);
  expectApplied(
    WHO,
    await agent.requestTransition('REVIEW', {
      implementation: { changed_files: [SOURCE_FILE], notes: 'Lowercase, collapse every non-alphanumeric run to one dash, trim dashes.' },
    }),
  );
}

async function review(agent: AgentClient): Promise<void> {
  // The REVIEW gate wants a green run in this phase, not the one from IMPL.
  const tests = await agent.runTests();
  say(WHO, `run_tests in REVIEW: exit ${tests.exit_code}, ${tests.passed} passed`);
  const completion = { completion: { changed_files: [TEST_FILE, SOURCE_FILE], summary: 'slugify() added with tests; review passed.' } };
  for (let attempt = 1; ; attempt++) {
    const result = await agent.requestTransition('COMPLETE', completion);
    if (result.allowed) {
      say(WHO, `phase → ${result.phase}`);
      return;
    }
    if ('status' in result) {
      say(WHO, `REVIEW → COMPLETE is waiting for a human approval (${result.approval_id})`);
      await agent.waitForPhase('COMPLETE', APPROVAL_WAIT_MS);
      say(WHO, 'approved: phase → COMPLETE');
      return;
    }
    // The coordinator knows which spawned review tasks are still open: its blockers name them.
    const pending = result.blockers.filter((b) => b.code === 'reviews_complete');
    if (pending.length < result.blockers.length || attempt > 1) throw new Error(`REVIEW → COMPLETE refused: ${JSON.stringify(result.blockers)}`);
    const reviews = pending.map((b) => (b.path ?? '').replace(/^reviews\//, ''));
    say(WHO, `waiting for review task(s) ${reviews.join(', ')}`);
    await waitForReviews(agent, reviews);
  }
}

async function waitForReviews(agent: AgentClient, reviews: readonly string[]): Promise<void> {
  const deadline = Date.now() + REVIEW_WAIT_MS;
  for (;;) {
    const { completed_tasks } = await agent.snapshot();
    if (reviews.every((id) => completed_tasks.includes(id))) return;
    if (Date.now() > deadline) throw new Error(`review task(s) not completed after ${REVIEW_WAIT_MS} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

runMain(WHO, main);
