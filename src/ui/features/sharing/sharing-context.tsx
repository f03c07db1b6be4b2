/**
 * Sharing as the screens see it: whether it is on, the sync status in a signal, and the
 * runtime once started. The runtime (sync client, crypto, Yjs) loads only when sharing is
 * on and the device is online, after the first screen is ready, so an offline start or the
 * landing screen never pays for it.
 */
import { createContext, createSignal, onCleanup, onMount, useContext, type Accessor, type JSX } from 'solid-js';
import { useAppData } from '../../app-data';
import { getSetting, setSetting } from '../../../storage/profile';
import { countWaiting } from '../../../storage/sync-store';
import { createLiveQuery } from '../../primitives/create-live-query';
import type { SyncStatus } from '../../../sync/sync-status';
import type { SharingRuntime } from './sharing-runtime';

export type SharingState = 'loading' | 'off' | 'waiting-network' | 'starting' | 'running' | 'failed';

export interface Sharing {
  state: Accessor<SharingState>;
  status: Accessor<SyncStatus | undefined>;
  runtime: Accessor<SharingRuntime | undefined>;
  /** Changes saved here and not yet acknowledged by the relay, read from storage (known before the sync code loads). */
  waitingHere: Accessor<number | undefined>;
  setEnabled(on: boolean): Promise<void>;
}

const SharingContext = createContext<Sharing>();

/** Delay after the first screen before sharing starts: the person's first taps come first. */
const START_DELAY_MS = 1500;

export function SharingProvider(props: { children: JSX.Element }) {
  const data = useAppData();
  const { db, circleId } = data;
  const [state, setState] = createSignal<SharingState>('loading');
  const [status, setStatus] = createSignal<SyncStatus>();
  const [runtime, setRuntime] = createSignal<SharingRuntime>();
  let unsubscribe: (() => void) | undefined;
  const waitingHere = createLiveQuery(async () => {
    const { pending, unacked } = await countWaiting(db, `${circleId}/journal`);
    return pending + unacked;
  });
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function start(): Promise<void> {
    if (runtime() || state() === 'starting') return;
    setState('starting');
    try {
      const m = await import('./sharing-runtime');
      const rt = await m.startSharing({ db, circleId, role: data.role, journalOf: data.journalOf, circleDocs: data.circleDocs });
      if (state() !== 'starting') { await rt.stop(); return; } // turned off meanwhile
      unsubscribe = rt.status.subscribe(() => setStatus(rt.status.getSnapshot()));
      setStatus(rt.status.getSnapshot());
      setRuntime(() => rt);
      setState('running');
    } catch (e) {
      console.error('sharing failed to start', e);
      setState('failed');
    }
  }

  function startWhenOnline(): void {
    if (state() === 'off' || runtime()) return;
    if (!navigator.onLine) { setState('waiting-network'); return; }
    clearTimeout(timer);
    timer = setTimeout(() => void start(), START_DELAY_MS);
  }

  const onOnline = () => { if (state() === 'waiting-network') startWhenOnline(); };
  onMount(() => {
    window.addEventListener('online', onOnline);
    void getSetting(db, 'sharing').then((on) => {
      if (!on) setState('off');
      else startWhenOnline();
    });
  });
  onCleanup(() => {
    window.removeEventListener('online', onOnline);
    clearTimeout(timer);
    unsubscribe?.();
    void runtime()?.stop();
  });

  const value: Sharing = {
    state,
    status,
    runtime,
    waitingHere,
    async setEnabled(on) {
      await setSetting(db, 'sharing', on);
      if (on) {
        setState('loading');
        startWhenOnline();
        return;
      }
      clearTimeout(timer);
      unsubscribe?.();
      unsubscribe = undefined;
      const rt = runtime();
      setRuntime(undefined);
      setStatus(undefined);
      setState('off');
      await rt?.stop();
    },
  };
  return <SharingContext.Provider value={value}>{props.children}</SharingContext.Provider>;
}

/** Sharing of the current app (inside SharingProvider). */
export function useSharing(): Sharing {
  const ctx = useContext(SharingContext);
  if (!ctx) throw new Error('useSharing outside SharingProvider');
  return ctx;
}
