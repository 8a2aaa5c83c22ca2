import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The task the demo's scripted agent is given. */
export const DEMO_TASK = {
  title: 'Add slugify()',
  description: 'Add src/slugify.js exporting slugify(text): a lowercase, dash-separated, URL-safe version of text.',
  acceptance_criteria: ['slugify("Hello World") returns "hello-world"', 'punctuation and stray dashes are dropped'],
} as const;

/**
 * Writes the tiny node project the demo works in: `npm test` is `node --test`, so run_tests
 * needs nothing installed. The contract is copied in so the workspace looks like a real
 * repository that adopted phasegate (and so the agent can read it, but never write it).
 */
export async function createScratchProject(dir: string, contractFile: string): Promise<void> {
  await mkdir(join(dir, 'src'), { recursive: true });
  await mkdir(join(dir, 'tests'), { recursive: true });
  await mkdir(join(dir, 'docs', 'plans'), { recursive: true });
  const pkg = { name: 'phasegate-demo-project', version: '0.0.0', private: true, type: 'module', scripts: { test: 'node --test' } };
  await writeFile(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  // No registry round-trip or banner while `npm test` runs: the demo works offline.
  await writeFile(join(dir, '.npmrc'), 'update-notifier=false\nfund=false\naudit=false\n');
  await writeFile(join(dir, 'README.md'), `# demo project\n\n${DEMO_TASK.description}\n`);
  await writeFile(join(dir, 'src', 'index.js'), "/** The project's entry point. */\nexport const name = 'demo';\n");
  await copyFile(contractFile, join(dir, 'agent_workflow.yaml'));
}
