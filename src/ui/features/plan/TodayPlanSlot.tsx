import { createSignal, lazy, onMount, Show, Suspense } from 'solid-js';
import { useAppData } from '../../app-data';
import { createLiveQuery } from '../../primitives/create-live-query';

// The plan section brings Yjs and the plan document: it loads after Today has drawn, in its own chunk.
const TodayPlanSection = lazy(() => import('./TodayPlanSection'));

/**
 * Where the Today screen shows the care plan; empty until the browser is idle after the first
 * paint, and while this device holds no plan document (no care team yet), so that a patient
 * without one never loads Yjs for it. The plan appears when its document arrives.
 */
export function TodayPlanSlot() {
  const { db, circleId } = useAppData();
  const [idle, setIdle] = createSignal(false);
  const hasPlan = createLiveQuery(async () => (await db.docMeta.get(`${circleId}/plan`)) !== undefined);
  onMount(() => {
    const go = () => setIdle(true);
    if ('requestIdleCallback' in window) requestIdleCallback(go, { timeout: 1500 });
    else setTimeout(go, 300);
  });
  return (
    <Show when={idle() && hasPlan()}>
      <Suspense>
        <TodayPlanSection />
      </Suspense>
    </Show>
  );
}
