// What the component tests share: mounted components torn down after each test, a viewport-sized
// box for every element (happy-dom has no layout), <dialog> that opens, and a way to let Svelte
// and pending promises settle.
import { flushSync, tick, unmount } from 'svelte';
import { afterEach, beforeAll } from 'vitest';

/** Push what mount() returns; it is unmounted after the test. */
export const mounted: Array<Record<string, unknown>> = [];

export function useDom(): void {
  afterEach(() => {
    while (mounted.length) unmount(mounted.pop()!);
    document.body.innerHTML = '';
    location.hash = '';
  });
  beforeAll(() => {
    Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 });
    Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
    HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
      this.setAttribute('open', '');
    };
  });
}

export async function settle(rounds = 6): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await tick();
    await new Promise((r) => setTimeout(r, 0));
  }
  flushSync();
}
