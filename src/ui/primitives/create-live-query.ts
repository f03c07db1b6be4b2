import { createSignal, onCleanup, type Accessor } from 'solid-js';
import { liveQuery } from 'dexie';

/**
 * A Solid signal fed by a Dexie liveQuery: re-runs when the tables it read change,
 * in this tab or another one. `undefined` until the first result arrives.
 */
export function createLiveQuery<T>(query: () => T | Promise<T>, onError?: (e: unknown) => void): Accessor<T | undefined> {
  const [value, setValue] = createSignal<T | undefined>(undefined);
  const sub = liveQuery(query).subscribe({
    next: (v) => setValue(() => v),
    error: (e: unknown) => {
      console.error('live query failed', e);
      onError?.(e);
    },
  });
  onCleanup(() => sub.unsubscribe());
  return value;
}
