/** `phasegate demo`: runs the example agents through one task on an in-process coordinator. */
import { createLogger } from '../../../core/log.js';
import { formatSummary, runDemo } from '../../demo/index.js';
import { parseFlags } from '../args.js';

const USAGE = `usage: phasegate demo [--keep] [--json]

Creates a temp workspace holding a tiny node project, starts a coordinator and, for each
agent, a sidecar; the scripted agent walks the task "Add slugify()" PLAN → TDD → IMPL →
REVIEW → COMPLETE and tries forbidden things on the way; a review agent takes the spawned
review task. The human approval on REVIEW → COMPLETE is auto-approved ONLY in the demo.
Progress goes to stderr; the summary (phases, gates, calls allowed/denied by reason, audit
verify) to stdout.
  --keep   keep the temp directory (workspace, coordinator data, audit logs)
  --json   print the summary as one JSON object`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { keep: { type: 'boolean' }, json: { type: 'boolean' } }, USAGE, false);
  const summary = await runDemo({
    report: (line) => process.stderr.write(`demo: ${line}\n`),
    // The narrative is the progress lines; structured logs only for real failures.
    logger: createLogger('phasegate-demo', process.env.PHASEGATE_LOG_LEVEL ?? 'error'),
    keep: values.keep === true,
  });
  process.stdout.write(values.json === true ? JSON.stringify(summary) + '\n' : formatSummary(summary));
  return summary.ok ? 0 : 1;
}
