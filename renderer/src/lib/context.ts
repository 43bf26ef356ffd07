import { getContext, setContext } from 'svelte';
import type { StudioClient } from './client/types.js';
import type { Router } from './stores/router.svelte.js';
import type { ShortcutSettings } from './stores/shortcuts.svelte.js';
import type { StudioStore } from './stores/studio.svelte.js';

export interface AppContext {
  client: StudioClient;
  store: StudioStore;
  router: Router;
  shortcuts: ShortcutSettings;
}

const KEY = Symbol('tandem');
export function setApp(ctx: AppContext): void {
  setContext(KEY, ctx);
}
export function app(): AppContext {
  const ctx = getContext<AppContext | undefined>(KEY);
  if (!ctx) throw new Error('app context missing');
  return ctx;
}

/** The message of a failed ApiResult, or the value. */
export function errorText(e: { code: string; message: string }): string {
  return e.message || e.code;
}
