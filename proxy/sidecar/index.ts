/** proxy/sidecar public API: the sidecar of SPEC §5. Any export added here becomes public. */
export { startSidecar } from './start.js';
export type { ClaimParams, ClaimResult, NotificationListener, Sidecar, SidecarNotification, SidecarOptions } from './types.js';
export type { TransitionResult } from './transition.js';
export { MAX_FRAME_BYTES } from './agent-server.js';
export { DEFAULT_LIMITS, type SidecarLimits } from './limits.js';
