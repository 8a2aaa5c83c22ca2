/** Timing helpers shared by every benchmark: warm up, sample, report median / p99 / ops per second. */

export interface BenchResult {
  readonly name: string;
  readonly median_us: number;
  readonly p99_us: number;
  readonly ops_per_s: number;
  readonly n: number;
  /** Resident memory of the process measured (MiB), where a bench reports it. */
  readonly rss_mib?: number;
  readonly rss_before_mib?: number;
}

function summarize(name: string, samplesNs: number[]): BenchResult {
  const sorted = samplesNs.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const median = at(0.5) / 1000;
  const p99 = at(0.99) / 1000;
  return { name, median_us: round(median), p99_us: round(p99), ops_per_s: Math.round(1e6 / Math.max(median, 1e-3)), n: sorted.length };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * Times a synchronous operation. Each sample times `batch` calls (to get above timer
 * resolution for sub-microsecond work) and records the per-call time.
 */
export function benchSync(name: string, fn: () => unknown, opts: { samples?: number; batch?: number; warmup?: number } = {}): BenchResult {
  const { samples = 20_000, batch = 1, warmup = 2_000 } = opts;
  for (let i = 0; i < warmup * batch; i++) fn();
  const out: number[] = new Array(samples);
  for (let s = 0; s < samples; s++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn();
    out[s] = Number(process.hrtime.bigint() - t0) / batch;
  }
  return summarize(name, out);
}

/** One call of `fn`, in ns; from the bigint `process.hrtime.bigint()` reading it resolves to, if it does (untimed setup first). */
async function timeOnce(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  const started = await fn();
  return Number(process.hrtime.bigint() - (typeof started === 'bigint' ? started : t0));
}

/**
 * Times an asynchronous operation, one call per sample, sequentially. If `fn` resolves to a
 * bigint, that `process.hrtime.bigint()` reading starts the sample instead (untimed setup first).
 */
export async function benchAsync(name: string, fn: () => Promise<unknown>, opts: { samples?: number; warmup?: number } = {}): Promise<BenchResult> {
  const { samples = 2_000, warmup = 200 } = opts;
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = new Array(samples);
  for (let s = 0; s < samples; s++) out[s] = await timeOnce(fn);
  return summarize(name, out);
}

export interface Paired {
  readonly name: string;
  readonly fn: () => Promise<unknown>;
}

/**
 * Times two asynchronous operations in the same minutes: both are warmed up, then sampled in
 * alternating blocks (A B, B A, A B, …), and each side's median and p99 are taken over all its
 * samples. A ratio of the two then compares them under the same machine conditions; measured
 * minutes apart, a shared host's drift moved either side by ±15% (docs/benchmarks.md). As in
 * `benchAsync`, a side whose `fn` resolves to a bigint has its sample start at that reading.
 */
export async function benchPaired(a: Paired, b: Paired, opts: { blocks: number; samplesPerBlock: number; warmup: number }): Promise<[BenchResult, BenchResult]> {
  for (const side of [a, b]) for (let i = 0; i < opts.warmup; i++) await side.fn();
  const samples: [number[], number[]] = [[], []];
  for (let block = 0; block < opts.blocks; block++) {
    const order = block % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) {
      const side = i === 0 ? a : b;
      const out = samples[i] as number[];
      for (let s = 0; s < opts.samplesPerBlock; s++) out.push(await timeOnce(side.fn));
    }
  }
  return [summarize(a.name, samples[0]), summarize(b.name, samples[1])];
}

/**
 * Throughput: runs `warmup` operations untimed, then `total` operations with `concurrency` in flight; reports ops/s and the
 * per-operation latency distribution observed under that load.
 */
export async function benchThroughput(name: string, fn: () => Promise<unknown>, opts: { total: number; concurrency: number; warmup?: number }): Promise<BenchResult> {
  // Untimed first, at the same concurrency, as benchAsync warms up: the code paths only a
  // concurrent load takes (batched commits, many sockets) are compiled before the clock starts.
  let warming = opts.warmup ?? 0;
  const warm = async (): Promise<void> => {
    while (warming > 0) {
      warming--;
      await fn();
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, warm));
  const latencies: number[] = [];
  let started = 0;
  const t0 = process.hrtime.bigint();
  async function worker(): Promise<void> {
    while (started < opts.total) {
      started++;
      const s = process.hrtime.bigint();
      await fn();
      latencies.push(Number(process.hrtime.bigint() - s));
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const elapsedS = Number(process.hrtime.bigint() - t0) / 1e9;
  const r = summarize(name, latencies);
  return { ...r, ops_per_s: Math.round(opts.total / elapsedS) };
}

/** A bench module: `bench/<area>.bench.ts` exports `benches` returning its results. */
export type BenchModule = { benches: () => Promise<BenchResult[]> };
