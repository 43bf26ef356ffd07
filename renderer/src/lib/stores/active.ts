// entities.ts is pure (type imports and one constant), so its ACTIVE_RUN_STATUSES is imported at runtime.
import { ACTIVE_RUN_STATUSES, type RunStatus } from '$api/entities.js';
export { ACTIVE_RUN_STATUSES };
export function isActive(status: RunStatus): boolean {
  return ACTIVE_RUN_STATUSES.includes(status);
}
