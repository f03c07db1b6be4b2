import { createMemo, createSignal, For, Match, Show, Switch } from 'solid-js';
import { goalProgress, type Goal, type GoalRating } from '../../../domain';
import { usePlan } from './createPlan';
import { CommentThread } from './CommentThread';
import { GoalForm } from './GoalForm';
import { GoalRatingForm } from './GoalRatingForm';
import { usePlanText } from './plan-text';
import { focusSectionOf, Stamp, useDates, useDeletedToast, useToastError, useWho } from './plan-ui';

type Mode = 'view' | 'edit' | 'propose' | 'rate';

/** One goal: baseline and target, where progress stands, milestones, rating history, and its comments. */
export function GoalCard(props: { goal: Goal }) {
  const data = usePlan();
  const { t, tn, app, formatNumber } = usePlanText();
  const dates = useDates();
  const who = useWho();
  const toastError = useToastError();
  const deletedToast = useDeletedToast();
  const [mode, setMode] = createSignal<Mode>('view');
  const headingId = () => `goal-${props.goal.id}`;
  let editButton: HTMLButtonElement | undefined;
  let card: HTMLLIElement | undefined;

  const ratings = createMemo(() => (data.snapshot()?.ratings ?? []).filter((r) => r.goalId === props.goal.id)
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)));
  const progress = createMemo(() => goalProgress(props.goal, ratings(), data.today()));

  const close = () => {
    setMode('view');
    queueMicrotask(() => editButton?.focus());
  };

  async function remove() {
    const result = await data.remove(props.goal);
    if (!result.ok) return toastError(result.error);
    focusSectionOf(card);
    deletedToast('goals.deleted', { name: props.goal.title }, () => data.restore(result.value));
  }

  async function toggleMilestone(id: string, reached: boolean) {
    const result = await data.setMilestoneReached(props.goal, id, reached);
    if (!result.ok) toastError(result.error);
  }

  const dateLine = () => {
    const p = progress();
    if (p.daysToTarget === null) return '';
    if (p.targetPassed) return t('goals.passed');
    if (p.daysToTarget === 0) return t('goals.dueToday');
    return tn('goals.daysLeft', p.daysToTarget);
  };

  return (
    <li ref={card} class="card plan-card" aria-labelledby={headingId()}>
      <Switch>
        <Match when={mode() === 'edit' || mode() === 'propose'}>
          <GoalForm mode={mode() === 'edit' ? 'edit' : 'propose'} goal={props.goal} onDone={close} />
        </Match>
        <Match when={true}>
          <h3 id={headingId()} class="plan-card-title">{props.goal.title}</h3>
          <dl class="plan-facts">
            <dt>{t('goals.baseline')}</dt><dd class="plan-text">{props.goal.baseline}</dd>
            <dt>{t('goals.target')}</dt><dd class="plan-text">{props.goal.target}</dd>
          </dl>
          <p>{t('goals.targetDate', { date: dates.local(props.goal.targetDate) })}<Show when={dateLine()}> <span class="muted">· {dateLine()}</span></Show></p>
          <div class="plan-progress">
            <Show when={progress().latest !== null} fallback={<p class="muted">{t('goals.noRatings')}</p>}>
              <p>
                <strong>{t('goals.progress', { n: formatNumber(progress().latest ?? 0) })}</strong>
                <Show when={progress().trend}>
                  {(trend) => <span class="muted"> ({t(`goals.trend.${trend()}`, { n: formatNumber(Math.abs(progress().change ?? 0)) })})</span>}
                </Show>
                <Show when={progress().targetReached}> <span class="badge">{t('goals.reached')}</span></Show>
              </p>
              <meter min={0} max={10} value={progress().latest ?? 0} aria-hidden="true" />
              <p class="hint">{t('goals.progressScale')}</p>
            </Show>
          </div>
          <Show when={props.goal.milestones.length > 0}>
            <h4>{t('goals.milestones')}</h4>
            <p class="muted">{t('goals.milestonesCount', { done: formatNumber(progress().milestonesReached), total: formatNumber(progress().milestonesTotal) })}</p>
            <ul class="plain plan-milestones">
              <For each={props.goal.milestones}>
                {(m) => (
                  <li classList={{ reached: m.reachedAt !== undefined }}>
                    <span class="plan-check" aria-hidden="true">{m.reachedAt ? '✓' : '○'}</span>
                    <div class="plan-milestone-body">
                      <span class="plan-text">{m.text}</span>
                      <span class="muted"> · {m.reachedAt ? t('goals.milestoneReached', { date: dates.day(m.reachedAt) }) : t('goals.milestoneOpen')}</span>
                      <Show when={data.canEdit}>
                        <div>
                          <button type="button" class="button link"
                            aria-label={m.reachedAt ? t('goals.markOpenLabel', { text: m.text }) : t('goals.markReachedLabel', { text: m.text })}
                            onClick={() => toggleMilestone(m.id, m.reachedAt === undefined)}>
                            {m.reachedAt ? t('goals.markOpen') : t('goals.markReached')}
                          </button>
                        </div>
                      </Show>
                    </div>
                  </li>
                )}
              </For>
            </ul>
          </Show>
          <Show when={ratings().length > 0}>
            <details class="plan-details">
              <summary>{t('goals.ratings', { n: ratings().length })}</summary>
              <ul class="plain plan-ratings">
                <For each={ratings()}>{(r: GoalRating) => (
                  <li>
                    <strong>{t('goals.ratingLine', { n: formatNumber(r.progress) })}</strong>
                    <span class="muted"> · {dates.day(r.at)} · {who(r.createdBy, true)}</span>
                    <Show when={r.note}><p class="plan-text">{r.note}</p></Show>
                  </li>
                )}</For>
              </ul>
            </details>
          </Show>
          <Stamp record={props.goal} />
          <Show when={mode() === 'rate'}>
            <GoalRatingForm goal={props.goal} onDone={close} />
          </Show>
          <div class="actions plan-manage">
            <Show when={data.canEdit} fallback={
              <button ref={editButton} type="button" class="button" aria-label={t('goals.suggestLabel', { name: props.goal.title })}
                onClick={() => setMode('propose')}>{t('suggest')}</button>
            }>
              <Show when={mode() !== 'rate'}>
                <button type="button" class="button primary" aria-label={t('goals.rateLabel', { name: props.goal.title })}
                  onClick={() => setMode('rate')}>{t('goals.rate')}</button>
              </Show>
              <button ref={editButton} type="button" class="button" aria-label={t('goals.editLabel', { name: props.goal.title })}
                onClick={() => setMode('edit')}>{app('common.edit')}</button>
              <button type="button" class="button link" aria-label={t('goals.deleteLabel', { name: props.goal.title })}
                onClick={remove}>{app('common.delete')}</button>
            </Show>
          </div>
          <CommentThread target={{ kind: 'goal', id: props.goal.id }} name={props.goal.title} />
        </Match>
      </Switch>
    </li>
  );
}
