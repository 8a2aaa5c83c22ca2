/** `npm run bench [-- --json] [-- --only AREA] [-- --scale-tasks N]`: runs every bench module in one process and prints a table or JSONL. */
import type { BenchModule, BenchResult } from './harness.js';

const modules: Record<string, () => Promise<BenchModule>> = {
  policy: () => import('./policy.bench.js'),
  tokens: () => import('./tokens.bench.js'),
  coordinator: () => import('./coordinator.bench.js'),
  'coordinator-http': () => import('./coordinator-http.bench.js'),
  sidecar: () => import('./sidecar.bench.js'),
  mcp: () => import('./mcp.bench.js'),
  scale: () => import('./scale.bench.js'),
  sandbox: () => import('./sandbox.bench.js'),
};

const args = process.argv.slice(2);
const json = args.includes('--json');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;

function row(r: BenchResult): string {
  const rss = r.rss_mib === undefined ? '' : `   rss ${r.rss_before_mib === undefined ? '' : `${r.rss_before_mib} → `}${r.rss_mib} MiB`;
  return `${r.name.padEnd(34)} ${r.median_us.toFixed(2).padStart(12)} ${r.p99_us.toFixed(2).padStart(12)} ${String(r.ops_per_s).padStart(12)} ${String(r.n).padStart(8)}${rss}`;
}

if (!json) process.stdout.write(`${'name'.padEnd(34)} ${'median_us'.padStart(12)} ${'p99_us'.padStart(12)} ${'ops_per_s'.padStart(12)} ${'n'.padStart(8)}\n`);
for (const [area, load] of Object.entries(modules)) {
  if (only !== undefined && only !== area) continue;
  process.stderr.write(`bench: ${area}…\n`);
  for (const r of await (await load()).benches()) {
    process.stdout.write((json ? JSON.stringify(r) : row(r)) + '\n');
  }
}
