/** `--sandbox on|off` / PHASEGATE_SANDBOX: an explicit option wins over the environment; default on. */
export type SandboxMode = 'on' | 'off';

export function sandboxModeFrom(option: string | undefined, env: NodeJS.ProcessEnv): SandboxMode {
  const v = option ?? env.PHASEGATE_SANDBOX;
  if (v === undefined || v === '' || v === 'on') return 'on';
  if (v === 'off') return 'off';
  throw new TypeError(`sandbox must be on or off (PHASEGATE_SANDBOX / --sandbox), got ${JSON.stringify(v)}`);
}
