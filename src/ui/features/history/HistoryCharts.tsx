import { createMemo, Show } from 'solid-js';
import { A } from '@solidjs/router';
import { useI18n } from '../../i18n/i18n';
import type { ChartData } from './createHistory';
import type { ChartCtor } from './chart-loader';
import { bandedChart, painChart, pegChart, practiceChart, sleepChart } from './build-charts';
import { HistoryChart } from './HistoryChart';

/** The charts section: pain, PEG, PHQ-9, GAD-7, sleep and practice for the chosen range. */
export function HistoryCharts(props: { data: ChartData; Chart: ChartCtor | undefined; failed: boolean }) {
  const i18n = useI18n();
  const { t } = i18n;
  const specs = createMemo(() => {
    i18n.locale();
    const d = props.data;
    const now = new Date();
    return {
      pain: painChart(i18n, d, d.range, now),
      peg: pegChart(i18n, d, d.range, now),
      phq9: bandedChart(i18n, d, d.range, now, 'phq9'),
      gad7: bandedChart(i18n, d, d.range, now, 'gad7'),
      sleep: sleepChart(i18n, d, d.range, now),
      practice: practiceChart(i18n, d, d.range),
    };
  });
  const link = (href: string, key: Parameters<typeof t>[0]) => <A class="button" href={href}>{t(key)}</A>;
  return (
    <section class="history-charts" aria-labelledby="history-charts-heading">
      <h2 id="history-charts-heading">{t('history.chartsHeading')}</h2>
      <Show when={props.failed}><p class="card alert" role="alert">{t('history.chartsFailed')}</p></Show>
      <HistoryChart spec={specs().pain} Chart={props.Chart} failed={props.failed} emptyAction={link('/', 'history.actions.logPain')} />
      <HistoryChart spec={specs().peg} Chart={props.Chart} failed={props.failed} emptyAction={link('/checkins/peg', 'history.actions.doPeg')} />
      <HistoryChart spec={specs().phq9} Chart={props.Chart} failed={props.failed} emptyAction={link('/checkins/phq9', 'history.actions.doPhq9')} />
      <HistoryChart spec={specs().gad7} Chart={props.Chart} failed={props.failed} emptyAction={link('/checkins/gad7', 'history.actions.doGad7')} />
      <HistoryChart spec={specs().sleep} Chart={props.Chart} failed={props.failed} emptyAction={link('/', 'history.actions.logSleep')} />
      <HistoryChart spec={specs().practice} Chart={props.Chart} failed={props.failed} emptyAction={link('/practice', 'history.actions.logPractice')} />
    </section>
  );
}
