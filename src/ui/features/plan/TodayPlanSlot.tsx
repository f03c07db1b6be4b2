import { createSignal, lazy, onMount, Show, Suspense } from 'solid-js';

// The plan section brings Yjs and the plan document: it loads after Today has drawn, in its own chunk.
const TodayPlanSection = lazy(() => import('./TodayPlanSection'));

/** Where the Today screen shows the care plan; empty until the browser is idle after the first paint. */
export function TodayPlanSlot() {
  const [show, setShow] = createSignal(false);
  onMount(() => {
    const go = () => setShow(true);
    if ('requestIdleCallback' in window) requestIdleCallback(go, { timeout: 1500 });
    else setTimeout(go, 300);
  });
  return (
    <Show when={show()}>
      <Suspense>
        <TodayPlanSection />
      </Suspense>
    </Show>
  );
}
