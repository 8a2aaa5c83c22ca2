/** Shape of a transition request, checked before any token or state is looked at. */
import { PhasegateError } from '../errors.js';
import type { Evidence, TestRunEvidence } from '../gates/types.js';
import { integerAt, invalid, isPlainObject, nameAt, objectAt, optionalNames } from './body-checks.js';

export interface ParsedTransition {
  readonly token: string;
  readonly currentPhase: string;
  readonly targetPhase: string;
  readonly artifacts: Readonly<Record<string, unknown>>;
  readonly evidence: Evidence;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

function testRun(v: unknown, path: string): TestRunEvidence {
  const r = objectAt(v, path);
  return {
    id: nameAt(r.id, `${path}/id`),
    audit_seq: integerAt(r.audit_seq, `${path}/audit_seq`, 0),
    phase: nameAt(r.phase, `${path}/phase`),
    epoch: integerAt(r.epoch, `${path}/epoch`, 0),
    visit: integerAt(r.visit, `${path}/visit`, 0),
    exit_code: integerAt(r.exit_code, `${path}/exit_code`),
    passed: integerAt(r.passed, `${path}/passed`, 0),
    failed: integerAt(r.failed, `${path}/failed`, 0),
    revision: integerAt(r.revision, `${path}/revision`, 0),
    at: nameAt(r.at, `${path}/at`),
  };
}

export function parseAuditHead(v: unknown, path: string): { seq: number; hash: string } {
  const h = objectAt(v, path);
  const hash = nameAt(h.hash, `${path}/hash`);
  if (!SHA256_HEX.test(hash)) invalid(`${path}/hash`, 'must be 64 lowercase hex characters');
  return { seq: integerAt(h.seq, `${path}/seq`, 0), hash };
}

/** Evidence is what the sidecar observed; absent evidence is empty evidence (gates that need it then block). */
function parseEvidence(v: unknown): Evidence {
  // workspace_revision -1 matches no run (revisions start at 0): absent evidence is stale evidence.
  if (v === undefined) return { test_runs: [], test_hashes: {}, test_links: [], workspace_revision: -1 };
  const e = objectAt(v, 'evidence');
  const runs = e.test_runs ?? [];
  if (!Array.isArray(runs)) invalid('evidence/test_runs', 'must be an array');
  const hashes = objectAt(e.test_hashes ?? {}, 'evidence/test_hashes');
  const testHashes: Record<string, string> = {};
  for (const [path, hash] of Object.entries(hashes)) testHashes[path] = nameAt(hash, `evidence/test_hashes/${path}`);
  const links = e.test_links ?? [];
  if (!Array.isArray(links)) invalid('evidence/test_links', 'must be an array');
  const filesChanged = optionalNames(e.files_changed, 'evidence/files_changed', 4096);
  if (filesChanged !== undefined && filesChanged.length > 1000) invalid('evidence/files_changed', 'must list at most 1000 paths');
  return {
    test_runs: runs.map((r, i) => testRun(r, `evidence/test_runs/${i}`)),
    test_hashes: testHashes,
    test_links: links.map((l, i) => nameAt(l, `evidence/test_links/${i}`, 4096)),
    // -1 (what the HTTP layer makes of an absent value) matches no run: absent is stale.
    workspace_revision: e.workspace_revision === undefined ? -1 : integerAt(e.workspace_revision, 'evidence/workspace_revision', -1),
    ...(e.audit_head === undefined ? {} : { audit_head: parseAuditHead(e.audit_head, 'evidence/audit_head') }),
    ...(filesChanged === undefined ? {} : { files_changed: filesChanged }),
  };
}

export function parseTransitionRequest(req: unknown): ParsedTransition {
  const body = objectAt(req, '');
  if (typeof body.phase_token !== 'string' || body.phase_token.length === 0) throw new PhasegateError('token_missing', 'phase_token is required');
  const artifacts = body.artifacts ?? {};
  if (!isPlainObject(artifacts)) invalid('artifacts', 'must be an object');
  return {
    token: body.phase_token,
    currentPhase: nameAt(body.current_phase, 'current_phase'),
    targetPhase: nameAt(body.target_phase, 'target_phase'),
    artifacts,
    evidence: parseEvidence(body.evidence),
  };
}
