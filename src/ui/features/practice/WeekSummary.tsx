import { Show } from 'solid-js';
import { localMidnight } from '../../../domain';
import { useI18n } from '../../i18n/i18n';

/** Overall adherence this week, in words and as a bar (the words carry the meaning). */
export function WeekSummary(props: { week: string; overall: number | null }) {
  const { t, formatDate, formatNumber } = useI18n();
  const weekDate = () => localMidnight(props.week);
  return (
    <section class="card practice-summary" aria-labelledby="practice-week-h">
      <h2 id="practice-week-h">{t('practice.summary.heading')}</h2>
      <Show when={weekDate()}>
        {(d) => <p class="muted">{t('practice.summary.weekOf', { date: formatDate(d(), { weekday: 'long', day: 'numeric', month: 'long' }) })}</p>}
      </Show>
      <Show when={props.overall !== null} fallback={<p>{t('practice.summary.nothingPlanned')}</p>}>
        <p class="practice-overall">
          {t('practice.summary.overall', { percent: formatNumber(props.overall ?? 0, { style: 'percent', maximumFractionDigits: 0 }) })}
        </p>
        <meter class="practice-overall-meter" min={0} max={1} value={props.overall ?? 0} aria-hidden="true" />
      </Show>
    </section>
  );
}
