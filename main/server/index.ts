export { startStudioServer, DEFAULT_HOST, DEFAULT_PORT, API_PATH, type ServeOptions, type RunningServer } from './server.js';
export { accessPolicy, isLoopbackHost, type AccessPolicy } from './access-policy.js';
export { NodeStudioClient } from './client.js';
