/**
 * Visits whose answers are still on the tablet (it was offline, or the page closed while
 * sending): sent one at a time in the background while the kiosk's own screens show, again
 * whenever the tablet comes back online, and deleted once the relay holds them.
 */
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import type { KioskSession } from '../../../app-data';
import { listIntakeDbs } from '../../../../storage/intake-dbs';

export interface Leftovers {
  /** Visits not sent yet (the one on screen not counted). */
  count: Accessor<number>;
  /** Looks again (after a visit ended unsent). */
  kick(): void;
}

const RETRY_MS = 60_000;

/** `active`: the database of the visit on screen, never touched here. */
export function createLeftovers(kiosk: KioskSession, active: () => string | undefined): Leftovers {
  const [count, setCount] = createSignal(0);
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
          await sendLeftover(name, kiosk).catch((e: unknown) => console.error('earlier visit not sent', e));
        }
        names = await pending();
        setCount(names.length);
      }
      clearTimeout(timer);
      if (names.length > 0 && !stopped) timer = setTimeout(() => void run(), RETRY_MS);
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
  return { count, kick: () => void run() };
}
