export type { PhaseClaims, PhaseGrant, TokenIssuer, TokenVerifier } from './types.js';
export { resolveTokenMode, MIN_SECRET_BYTES, type TokenMode } from './token-mode.js';
export { loadOrCreateSigningKey, SIGNING_KEY_FILE, type SigningKey } from './signing-key.js';
export { createIssuer, type IssuerKeyOptions, type IssuerConfig } from './issuer.js';
export { createVerifier, type VerifierKeyOptions, type VerifierConfig } from './verifier.js';
export { ClaimsCache, createCachingVerifier, type CachingVerifier, verifyCached, DEFAULT_CACHE_ENTRIES } from './claims-cache.js';
export { TOKEN_ISSUER, TOKEN_AUDIENCE } from './claims-shape.js';
