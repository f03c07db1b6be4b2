/**
 * Visits whose answers are still on the tablet (it was offline, or the page closed while
 * sending): sent one at a time in the background while the kiosk's own screens show, again
 * whenever the tablet comes back online, and deleted once the relay holds them.
 */
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import type { KioskSession } from '../../../app-data';
import { deleteIntakeDb, listIntakeDbs } from '../../../../storage/intake-dbs';

export interface Leftovers {
  /** Visits not sent yet (the one on screen not counted). */
  count: Accessor<number>;
  /** Of those, visits whose link the relay refused (used, expired or withdrawn): they can never be sent. */
  refused: Accessor<number>;
  /** Deletes the visits that can never be sent (staff decided so); returns how many. */
  discardRefused(): Promise<number>;
  /** Looks again (after a visit ended unsent). */
  kick(): void;
}

const RETRY_MS = 60_000;

/** `active`: the database of the visit on screen, never touched here. */
export function createLeftovers(kiosk: KioskSession, active: () => string | undefined): Leftovers {
  const [count, setCount] = createSignal(0);
  const refusedNames = new Set<string>();
  const [refused, setRefused] = createSignal(0);
  let running = false;
  let again = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const pending = async () => (await listIntakeDbs()).filter((n) => n !== active());

  async function run(): Promise<void> {
    if (running) { again = true; return; }
    running = true;
    try {
      let names = await pending();
      setCount(names.length);
      if (names.length > 0 && navigator.onLine) {
        const { sendLeftover } = await import('./intake-session');
        for (const name of names) {
          if (stopped) return;
          if (name === active()) continue;
          if (refusedNames.has(name)) continue;
          const outcome = await sendLeftover(name, kiosk).catch((e: unknown) => { console.error('earlier visit not sent', e); return 'waiting' as const; });
          if (outcome === 'refused') refusedNames.add(name);
        }
        names = await pending();
        setCount(names.length);
        setRefused(names.filter((n) => refusedNames.has(n)).length);
      }
      clearTimeout(timer);
      if (names.some((n) => !refusedNames.has(n)) && !stopped) timer = setTimeout(() => void run(), RETRY_MS);
    } finally {
      running = false;
      if (again && !stopped) { again = false; void run(); }
    }
  }

  const online = () => void run();
  window.addEventListener('online', online);
  onCleanup(() => {
    stopped = true;
    clearTimeout(timer);
    window.removeEventListener('online', online);
  });
  void run();
  return {
    count,
    refused,
    kick: () => void run(),
    async discardRefused() {
      let deleted = 0;
      for (const name of [...refusedNames]) {
        await deleteIntakeDb(name);
        refusedNames.delete(name);
        deleted++;
      }
      await run();
      return deleted;
    },
  };
}
