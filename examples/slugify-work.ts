/**
 * The work product of the scripted agent: what an LLM would write for the task "add a
 * slugify() function", fixed here so the example is deterministic.
 */

export const TEST_FILE = 'tests/slugify.test.js';
export const SOURCE_FILE = 'src/slugify.js';

export const ACCEPTANCE_CRITERIA = [
  'slugify("Hello World") returns "hello-world"',
  'punctuation is dropped and there are no leading, trailing or repeated dashes',
];

export function planDocument(taskId: string, title: string): string {
  return `# Plan for ${taskId}: ${title}

## Acceptance criteria
${ACCEPTANCE_CRITERIA.map((c) => `- ${c}`).join('\n')}

## Steps
1. Write ${TEST_FILE} covering each criterion (TDD: it must fail first).
2. Implement ${SOURCE_FILE} until the tests pass, without touching the tests.
3. Hand over for review.
`;
}

// The module under test is imported inside each test: before it exists, every test FAILS
// (a red run), instead of the file failing to load — a run that never reached a test does
// not count as red (tests_not_run).
export const TEST_SOURCE = `import { test } from 'node:test';
import assert from 'node:assert/strict';

const load = () => import('../src/slugify.js');

test('lowercases and joins words with dashes', async () => {
  const { slugify } = await load();
  assert.equal(slugify('Hello World'), 'hello-world');
});

test('drops punctuation and stray dashes', async () => {
  const { slugify } = await load();
  assert.equal(slugify('  Ship it -- now!  '), 'ship-it-now');
});
`;

export const IMPLEMENTATION = `/** URL-safe slug: lowercase ASCII words joined by single dashes. */
export function slugify(text) {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
`;
