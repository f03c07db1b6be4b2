import { createMemo, createSignal, For, Show } from 'solid-js';
import { usePlan } from './createPlan';
import { GoalCard } from './GoalCard';
import { GoalForm } from './GoalForm';
import { usePlanText } from './plan-text';

/** The plan's functional goals, and adding one (clinicians) or suggesting one (patients and caregivers). */
export function GoalsSection() {
  const data = usePlan();
  const { t } = usePlanText();
  const [adding, setAdding] = createSignal(false);
  const goals = createMemo(() => data.snapshot()?.goals ?? []);
  // Keyed by id (strings compare by value): each read of the document returns new objects,
  // and a card must keep its open form and focus across them.
  const ids = createMemo(() => goals().map((g) => g.id));
  const goalOf = (id: string) => goals().find((g) => g.id === id);
  let addButton: HTMLButtonElement | undefined;

  return (
    <section class="plan-section" aria-labelledby="plan-goals-h">
      <h2 id="plan-goals-h" tabindex="-1">{t('goals.heading')}</h2>
      <Show when={goals().length === 0}><p class="muted">{t('goals.none')}</p></Show>
      <ul class="plain">
        <For each={ids()}>{(id) => <Show when={goalOf(id)}>{(goal) => <GoalCard goal={goal()} />}</Show>}</For>
      </ul>
      <Show when={adding()} fallback={
        <div class="actions">
          <button ref={addButton} type="button" class="button" onClick={() => setAdding(true)}>
            <span aria-hidden="true">+</span> {data.canEdit ? t('goals.add') : t('goals.suggestNew')}
          </button>
        </div>
      }>
        <GoalForm mode={data.canEdit ? 'create' : 'propose-new'} onDone={() => {
          setAdding(false);
          queueMicrotask(() => addButton?.focus());
        }} />
      </Show>
    </section>
  );
}
