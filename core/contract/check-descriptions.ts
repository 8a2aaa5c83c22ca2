import type { CheckName } from './types.js';

/** Each built-in gate check (SPEC §8) in words an agent can act on. */
export const CHECK_DESCRIPTIONS: Readonly<Record<CheckName, string>> = {
  has_acceptance_criteria: 'the `plan` artifact lists at least one acceptance criterion',
  tests_failing: 'your latest `run_tests` in this visit of the phase failed, with at least one failing test (write the tests first, and run them); a run that reached no test (an import or compile error) does not count',
  tests_passing: 'your latest `run_tests` in this visit of the phase exited 0 with at least one passing and no failing test, and no file changed since (run the tests again after your last change)',
  no_blocking_issues: 'no `review` artifact (yours or a spawned review task\'s) has an issue with severity `blocking`',
  reviews_complete: 'every review task spawned for this task is completed, by an agent other than you',
  tests_unchanged: 'every test and test-config file still has the content it had when the task left TDD, none was added or removed, and none is a symlink (they are locked)',
};
