/** Phase token claims (SPEC §4). */
export interface PhaseClaims {
  readonly iss: 'phasegate-coordinator';
  readonly aud: 'phasegate';
  readonly sub: string;
  readonly task_id: string;
  readonly phase: string;
  readonly allowed_tools: readonly string[];
  readonly epoch: number;
  /** sha256 of the canonical contract. */
  readonly contract: string;
  /**
   * The task's visit counter (transitions applied so far) when it entered `phase`: evidence
   * belongs to one visit, so a token of an earlier visit of the same phase is superseded.
   * Always issued by the coordinator; absent only in tokens of an older coordinator.
   */
  readonly visit?: number;
  /** sha256 digest of the evidence that passed the gate into `phase` (absent if no gate led here). */
  readonly evidence?: string;
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
}

/** What the coordinator decides; the issuer adds iss/aud/iat/exp/jti. */
export type PhaseGrant = Pick<PhaseClaims, 'sub' | 'task_id' | 'phase' | 'allowed_tools' | 'epoch' | 'contract' | 'visit' | 'evidence'>;

export interface TokenIssuer {
  readonly alg: 'EdDSA' | 'HS256';
  issue(grant: PhaseGrant): Promise<string>;
  /**
   * `issue`, also returning the claims the token carries (exactly its payload), for a caller
   * that caches them without decoding the token it was just given (the coordinator).
   */
  issueWithClaims?(grant: PhaseGrant): Promise<{ token: string; claims: PhaseClaims }>;
  /** Public keys for `/.well-known/jwks.json` (empty `keys` in HS256 mode). */
  jwks(): { keys: object[] };
}

export interface TokenVerifier {
  /** Verifies signature, alg, iss, aud, exp and required claims; throws PhasegateError(token_invalid|token_expired|token_missing). */
  verify(token: string): Promise<PhaseClaims>;
}
