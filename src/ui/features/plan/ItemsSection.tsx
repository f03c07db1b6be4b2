import { createMemo, createSignal, For, Show } from 'solid-js';
import { usePlan } from './createPlan';
import { groupByCategory } from './plan-model';
import { PlanItemCard } from './PlanItemCard';
import { PlanItemForm } from './PlanItemForm';
import { usePlanText } from './plan-text';

/** Plan items grouped by kind, with this week's adherence; adding one (clinicians) or suggesting one. */
export function ItemsSection() {
  const data = usePlan();
  const { t } = usePlanText();
  const [adding, setAdding] = createSignal(false);
  const items = createMemo(() => data.snapshot()?.items ?? []);
  const groups = createMemo(() => groupByCategory(items()).map((g) => ({ category: g.category, ids: g.items.map((i) => i.id) })));
  const categories = createMemo(() => groups().map((g) => g.category));
  const idsOf = (category: string) => groups().find((g) => g.category === category)?.ids ?? [];
  const itemOf = (id: string) => items().find((i) => i.id === id);
  const adherenceOf = (id: string) => data.adherence()?.items.find((a) => a.itemId === id);
  let addButton: HTMLButtonElement | undefined;

  return (
    <section class="plan-section" aria-labelledby="plan-items-h">
      <h2 id="plan-items-h" tabindex="-1">{t('items.heading')}</h2>
      <Show when={items().length === 0}><p class="muted">{t('items.none')}</p></Show>
      <For each={categories()}>
        {(category) => (
          <div class="plan-group">
            <h3 id={`plan-cat-${category}`}>{t(`categories.${category}`)}</h3>
            <ul class="plain" aria-labelledby={`plan-cat-${category}`}>
              <For each={idsOf(category)}>
                {(id) => <Show when={itemOf(id)}>{(item) => <PlanItemCard item={item()} adherence={adherenceOf(id)} />}</Show>}
              </For>
            </ul>
          </div>
        )}
      </For>
      <Show when={adding()} fallback={
        <div class="actions">
          <button ref={addButton} type="button" class="button" onClick={() => setAdding(true)}>
            <span aria-hidden="true">+</span> {data.canEdit ? t('items.add') : t('items.suggestNew')}
          </button>
        </div>
      }>
        <PlanItemForm mode={data.canEdit ? 'create' : 'propose-new'} onDone={() => {
          setAdding(false);
          queueMicrotask(() => addButton?.focus());
        }} />
      </Show>
    </section>
  );
}
