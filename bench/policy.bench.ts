/**
 * Policy decision benches (SPEC §10): our `decide` for a cached, verified token against a
 * bare-lookup floor and two general policy engines (Cedar, Casbin) given the same policy:
 * the TDD phase's allowed tools + a `tests/**` write allow-list with a `**\/*.env` deny.
 */
import { isAuthorized, preparsePolicySet, statefulIsAuthorized } from '@cedar-policy/cedar-wasm/nodejs';
import type { AuthorizationAnswer } from '@cedar-policy/cedar-wasm/nodejs';
import { newEnforcer, newModelFromString, StringAdapter } from 'casbin';
import micromatch from 'micromatch';
import type { CompiledContract, CompiledPhase } from '../core/contract/types.js';
import { bindPolicy } from '../core/policy/index.js';
import type { Assignment, ToolCall } from '../core/policy/index.js';
import type { PhaseClaims } from '../core/tokens/types.js';
import { benchSync, type BenchResult } from './harness.js';

const TOOLS = ['read_file', 'write_file', 'edit_file', 'list_files', 'search', 'run_tests', 'run_command'];
const NOW = 1_700_000_000;
const ALLOWED_PATH = 'tests/unit/parser.test.ts';
const DENIED_PATH = 'src/parser.ts';

function benchContract(): CompiledContract {
  const tdd: CompiledPhase = {
    name: 'TDD',
    description: '',
    allowed: new Set(TOOLS),
    forbidden: new Set(['delete_file']),
    constraints: new Map([['write_file', { paths: ['tests/**', 'work/{{ task.id }}/**'], deny: ['**/*.env'], commands: undefined }]]),
  };
  return {
    sha256: '0'.repeat(64),
    file: 'agent_workflow.yaml',
    doc: { version: 1, workflows: {} },
    enforcement: 'strict',
    protectedGlobs: ['agent_workflow.yaml', 'package.json', '.phasegate/**', '.git/**'],
    workflows: new Map([['default', {
      name: 'default', description: '', initialPhase: 'TDD', terminalPhases: new Set<string>(), phases: new Map([['TDD', tdd]]),
      transitions: [], transitionIndex: new Map(), artifacts: new Map(), testGlobs: ['tests/**'], testConfig: [], lockGlobs: ['tests/**'], maxReviewRounds: 3, tests: undefined,
    }]]),
  };
}

const assignment: Assignment = { agentId: 'agent-1', taskId: 'task-1', workflow: 'default', phase: 'TDD', epoch: 3 };
const claims: PhaseClaims = {
  iss: 'phasegate-coordinator', aud: 'phasegate', sub: 'agent-1', task_id: 'task-1', phase: 'TDD',
  allowed_tools: TOOLS, epoch: 3, contract: '0'.repeat(64), iat: NOW - 10, exp: NOW + 3600, jti: 'j1',
};
const TOKEN = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhZ2VudC0xIn0.c2lnbmF0dXJl';

function ours(): BenchResult[] {
  const policy = bindPolicy(benchContract(), assignment);
  const cache = new Map<string, PhaseClaims>([[TOKEN, claims]]);
  const allowed: ToolCall = { tool: 'write_file', args: { path: ALLOWED_PATH, content: 'x' } };
  const denied: ToolCall = { tool: 'write_file', args: { path: DENIED_PATH, content: 'x' } };
  if (policy.decide(claims, allowed, NOW).decision !== 'allow') throw new Error('bench setup: expected allow');
  if (policy.decide(claims, denied, NOW).reason !== 'path_not_permitted') throw new Error('bench setup: expected deny');
  const decide = (call: ToolCall) => () => policy.decide(cache.get(TOKEN) as PhaseClaims, call, NOW);

  const tools = new Set(TOOLS);
  const re = micromatch.makeRe('tests/**', { dot: true });
  const floor = () => cache.get(TOKEN) !== undefined && tools.has('write_file') && re.test(ALLOWED_PATH);
  return [
    benchSync('decision.cached', decide(allowed), { batch: 100 }),
    benchSync('decision.denied', decide(denied), { batch: 100 }),
    benchSync('decision.floor', floor, { batch: 100 }),
  ];
}

const CEDAR_POLICIES = `
permit (principal == Agent::"agent-1", action in [${TOOLS.map((t) => `Action::"${t}"`).join(', ')}], resource)
when { context.task_id == "task-1" && context.phase == "TDD" && context.epoch == 3 && context.exp > context.now };
forbid (principal, action == Action::"write_file", resource) unless { context.path like "tests/*" };
forbid (principal, action == Action::"write_file", resource) when { context.path like "*.env" };
`;

function cedar(): BenchResult {
  const parsed = preparsePolicySet('phasegate', { staticPolicies: CEDAR_POLICIES });
  if (parsed.type !== 'success') throw new Error(`cedar: ${JSON.stringify(parsed)}`);
  const request = {
    principal: { type: 'Agent', id: 'agent-1' },
    action: { type: 'Action', id: 'write_file' },
    resource: { type: 'File', id: ALLOWED_PATH },
    context: { path: ALLOWED_PATH, task_id: 'task-1', phase: 'TDD', epoch: 3, exp: NOW + 3600, now: NOW },
    entities: [],
  };
  const allowed = (a: AuthorizationAnswer) => a.type === 'success' && a.response.decision === 'allow';
  // Same answer from the stateless API, to show the pre-parsed one evaluates the same policy.
  if (!allowed(isAuthorized({ ...request, policies: { staticPolicies: CEDAR_POLICIES } }))) throw new Error('cedar: expected allow');
  const call = { ...request, preparsedPolicySetId: 'phasegate' };
  if (!allowed(statefulIsAuthorized(call))) throw new Error('cedar: expected allow (preparsed)');
  return benchSync('decision.cedar', () => statefulIsAuthorized(call), { samples: 5_000, warmup: 500 });
}

const CASBIN_MODEL = `
[request_definition]
r = sub, obj, act
[policy_definition]
p = sub, obj, act, eft
[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))
[matchers]
m = r.sub == p.sub && r.act == p.act && globMatch(r.obj, p.obj)
`;

async function casbin(): Promise<BenchResult> {
  const sub = 'agent-1:task-1:TDD:3';
  const rules = [`p, ${sub}, tests/**, write_file, allow`, `p, ${sub}, **/*.env, write_file, deny`];
  for (const t of TOOLS) if (t !== 'write_file') rules.push(`p, ${sub}, **, ${t}, allow`);
  const e = await newEnforcer(newModelFromString(CASBIN_MODEL), new StringAdapter(rules.join('\n')));
  if (!e.enforceSync(sub, ALLOWED_PATH, 'write_file') || e.enforceSync(sub, DENIED_PATH, 'write_file')) throw new Error('casbin: wrong answers');
  return benchSync('decision.casbin', () => e.enforceSync(sub, ALLOWED_PATH, 'write_file'), { samples: 5_000, warmup: 500 });
}

export async function benches(): Promise<BenchResult[]> {
  return [...ours(), cedar(), await casbin()];
}
