export { startCoordinator, type StartOptions, type RunningCoordinator } from './server.js';
export { loadConfig, CONFIG_FILE, type CoordinatorConfig } from './config.js';
export { ADMIN_KEY_FILE, AUDITOR_KEY_FILE, SIDECAR_KEY_FILE } from './keys.js';
export { statusFor } from './error-status.js';
export { EVENT_STREAM_PATH } from './event-stream.js';
export type { Role } from './auth.js';
export { coordinatorRoutes } from './routes.js';
export type { Route } from './router.js';
