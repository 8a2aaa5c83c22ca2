/**
 * The environment a command runs with. Attack: an agent allowed to run `node -e …` or a
 * test that prints `process.env` reads the sidecar's PHASEGATE_AGENT_KEY, SIDECAR_KEY or
 * JWT secret and then forges tokens or talks to the coordinator as the sidecar. Every
 * phasegate key (PHASEGATE_*, ORCHESTRATOR_*) is removed, always.
 *
 * Defence in depth: variables named like secrets (…TOKEN, …SECRET, …PASSWORD, …API_KEY,
 * credentials) are removed too, unless the operator lists them in `keep` — the sidecar's
 * environment is the operator's, not the agent's.
 */
const PHASEGATE_KEY = /^(PHASEGATE|ORCHESTRATOR)_/i;
const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|CREDENTIAL)/i;

export function scrubEnv(base: NodeJS.ProcessEnv, keep: readonly string[] = []): Record<string, string> {
  const kept = new Set(keep);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined || PHASEGATE_KEY.test(key)) continue;
    if (SECRET_NAME.test(key) && !kept.has(key)) continue;
    env[key] = value;
  }
  return env;
}
