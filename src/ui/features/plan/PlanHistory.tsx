import { createMemo, createSignal, For, Show } from 'solid-js';
import type { PlanRecord } from '../../../domain';
import { usePlan } from './createPlan';
import { historyEntries, type HistoryEntry } from './plan-model';
import { usePlanText } from './plan-text';
import { useDates, useWho } from './plan-ui';

const PAGE = 20;

/** Who added and last changed each part of the plan, and when: what the records themselves hold. */
export function PlanHistory() {
  const data = usePlan();
  const { t, formatNumber } = usePlanText();
  const who = useWho();
  const dates = useDates();
  const [shown, setShown] = createSignal(PAGE);
  const entries = createMemo(() => historyEntries(data.snapshot()?.all ?? []));

  const nameOf = (kind: 'goal' | 'plan-item', id: string) => {
    const r = data.snapshot()?.all.find((x) => x.kind === kind && x.id === id);
    return r?.kind === 'goal' ? r.title : r?.kind === 'plan-item' ? r.name : t('history.unnamed');
  };
  const what = (r: PlanRecord): string => {
    switch (r.kind) {
      case 'goal': return t('history.what.goal', { name: r.title });
      case 'plan-item': return t('history.what.plan-item', { name: r.name });
      case 'goal-rating': return t('history.what.goal-rating', { n: formatNumber(r.progress), name: nameOf('goal', r.goalId) });
      default: return t(`history.what.${r.kind}`);
    }
  };
  const line = (e: HistoryEntry) => t(`history.action.${e.action}`, { what: what(e.record) });

  return (
    <section class="plan-section">
      <details class="plan-details plan-history">
        <summary>{t('history.heading')}</summary>
        <p class="hint">{t('history.hint')}</p>
        <Show when={entries().length > 0} fallback={<p class="muted">{t('history.empty')}</p>}>
          <ol class="plain plan-history-list">
            <For each={entries().slice(0, shown())}>
              {(e) => (
                <li>
                  <p class="plan-history-meta">{dates.moment(e.at)} · {who(e.by, true)}</p>
                  <p class="plan-history-what">{line(e)}</p>
                </li>
              )}
            </For>
          </ol>
          <Show when={entries().length > shown()}>
            <button type="button" class="button" onClick={() => setShown((n) => n + PAGE)}>{t('history.more')}</button>
          </Show>
        </Show>
      </details>
    </section>
  );
}
