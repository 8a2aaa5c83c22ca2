/** Counts read from a test runner's output. */
export interface TestCounts {
  readonly passed: number;
  /** Tests that ran and failed. A file that failed to load or compile is not a failed test. */
  readonly failed: number;
}

/** A runner's summary found in the output, and where: the summary nearest the end wins. */
export interface Found extends TestCounts {
  readonly runner: string;
  /** Offset of the summary in the text (the runner's own summary is printed last). */
  readonly at: number;
}

/** Reads one runner's summary from ANSI-free, `\n`-separated output; undefined if it is not there. */
export type RunnerParser = (text: string) => Found | undefined;
