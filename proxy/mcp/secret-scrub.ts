/**
 * Keeps the bridge's secrets out of everything it shows a model. The agent key and every
 * phase token the bridge has held are replaced wherever they occur, whatever produced the
 * text (a sidecar message, a file the model reads, command output).
 */
export class SecretScrubber {
  private readonly secrets = new Set<string>();

  /** Remembers a secret; values too short to be one are ignored (they would mangle text). */
  add(secret: string | undefined): void {
    if (secret !== undefined && secret.length >= 16) this.secrets.add(secret);
  }

  scrub(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out;
  }
}
