/** Phase token costs: full jose verification per call (both modes) vs a claims-cache hit. */
import { benchAsync, benchSync, type BenchResult } from './harness.js';
import { ClaimsCache, createIssuer, createVerifier, loadOrCreateSigningKey, type PhaseGrant } from '../core/tokens/index.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const grant: PhaseGrant = {
  sub: 'agent-1',
  task_id: 'task-1',
  phase: 'IMPL',
  allowed_tools: ['read_file', 'write_file', 'edit_file', 'list_files', 'search', 'run_tests'],
  epoch: 1,
  contract: 'a'.repeat(64),
};

export async function benches(): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'pg-bench-key-'));
  try {
    const key = await loadOrCreateSigningKey(dir);
    const ed = createIssuer({ alg: 'EdDSA', ...key }, { ttlSeconds: 7200 });
    const edVerifier = createVerifier({ alg: 'EdDSA', jwks: ed.jwks() });
    const edToken = await ed.issue(grant);

    const secret = new TextEncoder().encode('bench-secret-'.repeat(4));
    const hs = createIssuer({ alg: 'HS256', secret }, { ttlSeconds: 7200 });
    const hsVerifier = createVerifier({ alg: 'HS256', secret });
    const hsToken = await hs.issue(grant);

    const cache = new ClaimsCache();
    cache.set(edToken, await edVerifier.verify(edToken));
    const nowSec = Math.floor(Date.now() / 1000);

    return [
      await benchAsync('jwt.verify.eddsa', () => edVerifier.verify(edToken)),
      await benchAsync('jwt.verify.hs256', () => hsVerifier.verify(hsToken)),
      benchSync('jwt.cache_hit', () => cache.get(edToken, nowSec), { batch: 100, samples: 5_000 }),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
