import { createSignal, For, Show } from 'solid-js';
import { A } from '@solidjs/router';
import type { PlanItem, PracticeStatus, TodayItem } from '../../../domain';
import { useAppData } from '../../app-data';
import { showToast } from '../../primitives/toast';
import { createTodayPlan, type TodayPlanData } from './createTodayPlan';
import { PlanTextProvider, usePlanText } from './plan-text';
import './plan.css';

const STATUSES: readonly PracticeStatus[] = ['done', 'partly', 'skipped'];

/**
 * The Today screen's plan section (loaded after Today has drawn), for the patient and a
 * caregiver: today's plan items with one-tap logging, this week's adherence, goal progress;
 * only when the plan has an active item or a goal. Clinicians work from their panel instead.
 */
export default function TodayPlanSection() {
  const { role } = useAppData();
  return (
    <Show when={role !== 'clinician'}>
      <PlanTextProvider quiet>
        <PatientSection />
      </PlanTextProvider>
    </Show>
  );
}

function PatientSection() {
  const data = createTodayPlan();
  const { t, formatNumber } = usePlanText();
  const overall = () => data.adherence()?.overall ?? null;
  return (
    <Show when={data.ready() && data.hasContent()}>
      <section class="card today-plan" aria-labelledby="today-plan-h">
        <h2 id="today-plan-h">{t('today.heading')}</h2>
        <Show when={data.today().length > 0} fallback={<p>{t('today.nothing')}</p>}>
          <p class="hint">{t('today.intro')}</p>
          <ul class="plain today-plan-items">
            <For each={data.today().map((x) => x.item.id)}>
              {(id) => (
                <Show when={data.today().find((x) => x.item.id === id)}>
                  {(entry) => <TodayItemRow entry={entry()} data={data} />}
                </Show>
              )}
            </For>
          </ul>
        </Show>
        <Show when={data.adherence()}>
          <p class="today-plan-overall">
            {overall() === null
              ? t('today.overallNone')
              : t('today.overall', { percent: formatNumber(overall() ?? 0, { style: 'percent', maximumFractionDigits: 0 }) })}
          </p>
          <Show when={overall() !== null}><meter class="today-plan-meter" min={0} max={1} value={overall() ?? 0} aria-hidden="true" /></Show>
        </Show>
        <Show when={data.goals().length > 0}>
          <h3>{t('today.goalsHeading')}</h3>
          <ul class="plain today-plan-goals">
            <For each={data.goals()}>
              {(g) => (
                <li>
                  <strong>{g.goal.title}</strong>{': '}
                  {t('today.goalLine', {
                    progress: g.progress.latest === null ? t('today.goalNoRating') : t('goals.progress', { n: formatNumber(g.progress.latest) }),
                    milestones: t('goals.milestonesCount', { done: formatNumber(g.progress.milestonesReached), total: formatNumber(g.progress.milestonesTotal) }),
                  })}
                </li>
              )}
            </For>
          </ul>
        </Show>
        <Show when={data.role === 'caregiver'}><p class="hint">{t('today.caregiverNote')}</p></Show>
        <A class="button" href="/plan">{t('today.open')}</A>
      </section>
    </Show>
  );
}

function TodayItemRow(props: { entry: TodayItem; data: TodayPlanData }) {
  const { t, tn, app, formatNumber } = usePlanText();
  const [busy, setBusy] = createSignal(false);
  const item = (): PlanItem => props.entry.item;
  const logged = () => props.data.loggedToday(item().id);
  const week = () => props.data.adherence()?.items.find((a) => a.itemId === item().id);

  async function log(status: PracticeStatus) {
    if (busy()) return;
    setBusy(true);
    const result = await props.data.log(item(), status);
    setBusy(false);
    if (!result.ok) {
      showToast({ message: result.error.kind === 'message' ? t(result.error.key) : t('errors.saveFailed'), tone: 'error' });
      return;
    }
    const saved = result.value;
    showToast({
      message: t('today.logged', { name: item().name, status: t(`today.statuses.${status}`) }),
      action: { label: app('common.undo'), run: async () => { await props.data.unlog(saved); } },
    });
  }

  const state = () => {
    const e = props.entry;
    if (logged().length > 0) return t('today.loggedToday', { status: logged().map((s) => t(`today.statuses.${s}`)).join(', ') });
    if (e.due) return t('today.due');
    if (e.asNeeded) return t('today.asNeeded');
    return t('today.notToday');
  };

  return (
    <li class="today-plan-item" classList={{ due: props.entry.due }}>
      <p class="today-plan-name"><strong>{item().name}</strong> <span class="muted">· {tn('items.perWeek', item().timesPerWeek)}</span></p>
      <p class="today-plan-state">
        <span class="today-plan-badge" classList={{ due: props.entry.due }}>{state()}</span>
        <Show when={!props.entry.asNeeded}>
          <span class="muted"> · {t('today.week', { done: formatNumber(week()?.done ?? props.entry.doneThisWeek), planned: formatNumber(week()?.prescribed ?? item().timesPerWeek) })}</span>
        </Show>
      </p>
      <div class="today-plan-actions" role="group" aria-label={item().name}>
        <For each={STATUSES}>
          {(status) => (
            <button type="button" class="button" classList={{ primary: status === 'done' }} disabled={busy()}
              aria-label={t('today.statusLabel', { name: item().name, status: t(`today.statuses.${status}`) })}
              onClick={() => log(status)}>
              {t(`today.${status}`)}
            </button>
          )}
        </For>
      </div>
    </li>
  );
}
