import { For, Show } from 'solid-js';
import { A } from '@solidjs/router';
import { localMidnight } from '../../../domain/local-dates';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import type { PatientData } from './createPatient';

/** The care plan read-only: stepped care, goals with their progress, practice items with last week's adherence. Editing is on /plan. */
export function PlanSummary(props: { data: PatientData; planHref: string }) {
  const { t, tn, formatDate, formatNumber } = useI18n();
  const day = (date: string) => {
    const d = localMidnight(date);
    return d ? formatDate(d, { dateStyle: 'medium' }) : date;
  };
  const pct = (n: number) => formatNumber(n, { style: 'percent', maximumFractionDigits: 0 });
  return (
    <section class="patient-plan" aria-labelledby="patient-plan-h">
      <h2 id="patient-plan-h">{t('clinician.patient.plan.heading')}</h2>
      <Show when={props.data.plan()} fallback={<p role="status">{t('app.loading')}</p>}>
        {(plan) => (
          <Show when={!plan().empty} fallback={<p>{t('clinician.patient.plan.none')}</p>}>
            <Show when={plan().stepped}>
              {(s) => <p>{t('clinician.patient.plan.level', { level: s().level, date: day(s().reviewDate) })}</p>}
            </Show>
            <h3>{t('clinician.patient.plan.goalsHeading')}</h3>
            <Show when={plan().goals.length > 0} fallback={<p class="muted">{t('clinician.patient.plan.noGoals')}</p>}>
              <ul class="plain plan-list">
                <For each={plan().goals}>
                  {({ goal, progress }) => (
                    <li class="plan-entry">
                      <p class="plan-entry-title">{goal.title}</p>
                      <p>
                        <Show when={progress.latest !== null} fallback={t('clinician.patient.plan.notRated')}>
                          {progress.targetReached
                            ? t('clinician.patient.plan.reached')
                            : t('clinician.patient.plan.progress', { n: formatNumber(progress.latest ?? 0) })}
                          <Show when={progress.trend}>{(tr) => <>{', '}{t(`clinician.patient.plan.trend.${tr()}` as MessageKey)}</>}</Show>
                        </Show>
                      </p>
                      <Show when={progress.milestonesTotal > 0}>
                        <p class="muted">{t('clinician.patient.plan.milestones', { reached: progress.milestonesReached, total: progress.milestonesTotal })}</p>
                      </Show>
                      <p class="muted">
                        {t(progress.targetPassed && !progress.targetReached ? 'clinician.patient.plan.targetPassed' : 'clinician.patient.plan.targetDate', { date: day(goal.targetDate) })}
                      </p>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
            <h3>{t('clinician.patient.plan.itemsHeading')}</h3>
            <Show when={plan().items.length > 0} fallback={<p class="muted">{t('clinician.patient.plan.noItems')}</p>}>
              <Show when={plan().overall !== null}>
                <p><strong>{t('clinician.patient.plan.overall', { pct: pct(plan().overall ?? 0) })}</strong></p>
              </Show>
              <ul class="plain plan-list">
                <For each={plan().items}>
                  {({ item, adherence }) => (
                    <li class="plan-entry">
                      <p class="plan-entry-title">{item.name}</p>
                      <p class="muted">
                        {t(`practice.categories.${item.category}` as MessageKey)}
                        {' · '}
                        {item.timesPerWeek > 0 ? tn('clinician.patient.plan.timesPerWeek', item.timesPerWeek) : t('clinician.patient.plan.asNeeded')}
                      </p>
                      <Show when={adherence && adherence.prescribed > 0 ? adherence : undefined}>
                        {(a) => (
                          <p>
                            {t('clinician.patient.plan.itemDone', { done: formatNumber(a().done), prescribed: formatNumber(a().prescribed) })}
                            {' '}({pct(Math.min(1, a().ratio ?? 0))})
                          </p>
                        )}
                      </Show>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          </Show>
        )}
      </Show>
      <div class="actions"><A class="button" href={props.planHref}>{t('clinician.patient.plan.open')}</A></div>
    </section>
  );
}
