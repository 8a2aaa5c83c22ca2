/** Verified claims by token string, so the hot path (every tool call) skips signature checks. */
import type { PhaseClaims, TokenVerifier } from './types.js';

export const DEFAULT_CACHE_ENTRIES = 10_000;

/**
 * Bounded map from the exact token string to its verified claims. Only verified claims may be
 * `set`: a hit skips the signature check. Eviction drops the least recently used entry (Map
 * insertion order; a hit moves the entry to the end).
 */
export class ClaimsCache {
  readonly #entries = new Map<string, PhaseClaims>();
  readonly #max: number;
  /**
   * The last token hit and its claims: an agent sends one token for many calls in a row, and
   * comparing it with the last one is cheaper than hashing ~300 characters for the map (a new
   * string per frame, so its hash is never cached). Holds only verified claims, as the map does.
   */
  #lastToken: string | undefined;
  #lastClaims: PhaseClaims | undefined;

  constructor(maxEntries = DEFAULT_CACHE_ENTRIES) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new TypeError('"maxEntries" must be a positive integer');
    this.#max = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Claims for `token`, or undefined on a miss; an entry whose `exp` has passed is dropped and misses. */
  get(token: string, nowSec: number): PhaseClaims | undefined {
    if (token === this.#lastToken && this.#lastClaims !== undefined && this.#lastClaims.exp > nowSec) return this.#lastClaims;
    const claims = this.#entries.get(token);
    if (claims === undefined) return undefined;
    this.#entries.delete(token);
    if (claims.exp <= nowSec) return undefined;
    this.#entries.set(token, claims);
    this.#lastToken = token;
    this.#lastClaims = claims;
    return claims;
  }

  set(token: string, claims: PhaseClaims): void {
    if (token === this.#lastToken) this.#lastToken = this.#lastClaims = undefined;
    this.#entries.delete(token);
    if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) {
        this.#entries.delete(oldest.value);
        if (oldest.value === this.#lastToken) this.#lastToken = this.#lastClaims = undefined;
      }
    }
    this.#entries.set(token, claims);
  }
}

/** One in-flight verification per (cache, token): a burst of calls with a new token verifies it once. */
const inFlight = new WeakMap<ClaimsCache, Map<string, Promise<PhaseClaims>>>();

/** Claims from the cache, or from `verifier` on a miss (then cached). Failures are not cached. */
export async function verifyCached(cache: ClaimsCache, verifier: TokenVerifier, token: string, nowSec: number): Promise<PhaseClaims> {
  const hit = cache.get(token, nowSec);
  if (hit !== undefined) return hit;
  let pending = inFlight.get(cache);
  if (pending === undefined) {
    pending = new Map();
    inFlight.set(cache, pending);
  }
  const shared = pending.get(token);
  if (shared !== undefined) return shared;
  const running = pending;
  const verification = verifier.verify(token).then(
    (claims) => {
      running.delete(token);
      cache.set(token, claims);
      return claims;
    },
    (err: unknown) => {
      running.delete(token);
      throw err;
    },
  );
  running.set(token, verification);
  return verification;
}

/**
 * The payload of a token this process just signed. Only ever called with the issuer's own
 * output, so decoding is not trusting input; a plain base64url + JSON.parse (≈ 3 µs) rather
 * than jose's decodeJwt (≈ 15 µs with its checks) on every claim and transition.
 */
function ownPayload(token: string): PhaseClaims {
  const from = token.indexOf('.') + 1;
  return JSON.parse(Buffer.from(token.slice(from, token.indexOf('.', from)), 'base64url').toString('utf8')) as PhaseClaims;
}

/** A verifier that also accepts tokens this process signed itself without re-checking them. */
export interface CachingVerifier extends TokenVerifier {
  /**
   * Caches the claims of a token this process just issued: its signature needs no check.
   * `claims` (the issuer's own payload, frozen) saves decoding the token again.
   */
  remember(token: string, claims?: PhaseClaims): void;
}

/**
 * A TokenVerifier that verifies each distinct token once and then answers from a bounded
 * cache until the token's `exp` — for the coordinator, which sees its own freshly issued
 * token on the very next transition of that task.
 */
export function createCachingVerifier(verifier: TokenVerifier, opts: { now?: () => number; maxEntries?: number } = {}): CachingVerifier {
  const cache = new ClaimsCache(opts.maxEntries ?? DEFAULT_CACHE_ENTRIES);
  const now = opts.now ?? Date.now;
  return {
    verify: (token) => verifyCached(cache, verifier, token, Math.floor(now() / 1000)),
    remember: (token, claims) => cache.set(token, claims ?? Object.freeze(ownPayload(token))),
  };
}
