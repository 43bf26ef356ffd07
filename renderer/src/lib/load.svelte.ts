// Loading data into views. Answers arrive in any order: a list requested before a refetch can be
// answered after it, and must not overwrite the newer answer.
import { untrack } from 'svelte';

export interface Newest {
  /** Applies the answer to `request` unless a newer request was taken, or drop() called, since. */
  take<T>(request: Promise<T>, apply: (value: T) => void): Promise<void>;
  /** Drops the answers of every request taken so far. */
  drop(): void;
}

/** Requests of one kind, of which only the newest one's answer counts. */
export function newest(): Newest {
  let taken = 0;
  return {
    async take(request, apply) {
      const mine = ++taken;
      const value = await request;
      if (mine === taken) apply(value);
    },
    drop() {
      taken++;
    },
  };
}

/**
 * A view's data: `fetch(key())` now and again whenever `key()` changes, and `apply` with the
 * answer to the newest request only (none once the view is gone). `key` is the only state read
 * to decide when: `fetch` runs untracked. `fetch` returns null when there is nothing to load.
 * Call it while the component initialises (it creates an effect).
 */
export function load<K, T>(key: () => K, fetch: (key: K) => Promise<T> | null, apply: (value: T, key: K) => void): void {
  const requests = newest();
  $effect(() => {
    const k = key();
    const request = untrack(() => fetch(k));
    if (request) void requests.take(request, (value) => apply(value, k));
    return () => requests.drop();
  });
}
