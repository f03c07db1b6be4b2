import { createSignal, For, Match, Show, Switch } from 'solid-js';
import type { PlanItem, PlanItemAdherence } from '../../../domain';
import { usePlan } from './createPlan';
import { CommentThread } from './CommentThread';
import { useDetailLines, useDoseLine } from './item-text';
import { PlanItemForm } from './PlanItemForm';
import { usePlanText } from './plan-text';
import { focusSectionOf, Stamp, useDeletedToast, useToastError } from './plan-ui';

/** One plan item: what to do, how much and how often, this week's adherence, and its comments. */
export function PlanItemCard(props: { item: PlanItem; adherence: PlanItemAdherence | undefined }) {
  const data = usePlan();
  const { t, app, formatNumber } = usePlanText();
  const doseLine = useDoseLine();
  const detailLines = useDetailLines();
  const toastError = useToastError();
  const deletedToast = useDeletedToast();
  const [mode, setMode] = createSignal<'view' | 'edit' | 'propose'>('view');
  const headingId = () => `item-${props.item.id}`;
  let editButton: HTMLButtonElement | undefined;
  let card: HTMLLIElement | undefined;

  const close = () => {
    setMode('view');
    queueMicrotask(() => editButton?.focus());
  };
  async function remove() {
    const result = await data.remove(props.item);
    if (!result.ok) return toastError(result.error);
    focusSectionOf(card);
    deletedToast('items.deleted', { name: props.item.name }, () => data.restore(result.value));
  }
  const done = () => props.adherence?.done ?? 0;
  const planned = () => props.adherence?.prescribed ?? props.item.timesPerWeek;

  return (
    <li ref={card} class="card plan-card" aria-labelledby={headingId()}>
      <Switch>
        <Match when={mode() !== 'view'}>
          <PlanItemForm mode={mode() === 'edit' ? 'edit' : 'propose'} item={props.item} onDone={close} />
        </Match>
        <Match when={true}>
          <div class="plan-card-head">
            <h4 id={headingId()} class="plan-card-title">{props.item.name}</h4>
            <Show when={props.item.archivedAt}><span class="badge">{t('items.paused')}</span></Show>
          </div>
          <p class="plan-dose">{doseLine(props.item)}</p>
          <For each={detailLines(props.item)}>{(line) => <p class="plan-detail">{line}</p>}</For>
          <Show when={props.item.instructions}><p class="plan-text">{props.item.instructions}</p></Show>
          <Show when={props.item.homework}>
            <p class="plan-label">{t('items.homework')}</p><p class="plan-text">{props.item.homework}</p>
          </Show>
          <Show when={props.item.windDown}>
            <p class="plan-label">{t('items.windDown')}</p><p class="plan-text">{props.item.windDown}</p>
          </Show>
          <Show when={(props.item.sideEffectsToWatch ?? []).length > 0}>
            <p class="plan-label">{t('items.sideEffects')}</p>
            <ul><For each={props.item.sideEffectsToWatch}>{(s) => <li>{s}</li>}</For></ul>
          </Show>
          <Show when={props.item.readingTitle || props.item.readingText}>
            <Show when={props.item.readingText} fallback={<p class="plan-detail">{t('items.reading', { title: props.item.readingTitle ?? '' })}</p>}>
              <details class="plan-details">
                <summary>{t('items.readingOpen', { title: props.item.readingTitle || props.item.name })}</summary>
                <p class="plan-text">{props.item.readingText}</p>
              </details>
            </Show>
          </Show>
          <Show when={props.item.archivedAt === undefined}>
            <p class="plan-week">
              <Show when={props.item.timesPerWeek > 0} fallback={t('items.weekAsNeeded', { done: formatNumber(done()) })}>
                <meter min={0} max={Math.max(planned(), 1)} value={Math.min(done(), planned())} aria-hidden="true" />
                <span>{t('items.week', { done: formatNumber(done()), planned: formatNumber(planned()) })}</span>
              </Show>
            </p>
          </Show>
          <Stamp record={props.item} />
          <div class="actions plan-manage">
            <Show when={data.canEdit} fallback={
              <button ref={editButton} type="button" class="button" aria-label={t('items.suggestLabel', { name: props.item.name })}
                onClick={() => setMode('propose')}>{t('suggest')}</button>
            }>
              <button ref={editButton} type="button" class="button" aria-label={t('items.editLabel', { name: props.item.name })}
                onClick={() => setMode('edit')}>{app('common.edit')}</button>
              <button type="button" class="button link" aria-label={t('items.deleteLabel', { name: props.item.name })}
                onClick={remove}>{app('common.delete')}</button>
            </Show>
          </div>
          <CommentThread target={{ kind: 'plan-item', id: props.item.id }} name={props.item.name} />
        </Match>
      </Switch>
    </li>
  );
}
