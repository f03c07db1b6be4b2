import { createMemo, createSignal, Show } from 'solid-js';
import { useI18n, type I18n, type MessageKey } from '../../i18n/i18n';
import { bandedChart, painChart, pegChart, type Fmt } from '../history/build-charts';
import { loadChart, type ChartCtor } from '../history/chart-loader';
import { HistoryChart } from '../history/HistoryChart';
import type { PatientData } from './createPatient';
import '../history/history.css';

/**
 * History's chart builders speak to the patient ("your pain"); on a clinician's screen the
 * same charts read in the third person. Only these keys differ; the rest are shared.
 */
const THIRD_PERSON: Partial<Record<MessageKey, MessageKey>> = {
  'history.pain.captionWeekly': 'clinician.patient.charts.painCaption',
  'history.peg.caption': 'clinician.patient.charts.pegCaption',
  'history.peg.baseline': 'clinician.patient.charts.pegBaseline',
  'history.peg.bandLegend': 'clinician.patient.charts.pegBandLegend',
  'history.peg.note': 'clinician.patient.charts.pegNote',
  'history.phq9.caption': 'clinician.patient.charts.phq9Caption',
};

export function clinicianFmt(i18n: I18n): Fmt {
  return {
    t: (key, params) => i18n.t(THIRD_PERSON[key] ?? key, params),
    formatNumber: i18n.formatNumber,
    formatDate: i18n.formatDate,
  };
}

/** Weekly pain, PEG with its 30% band and PHQ-9 over its levels, for the last year. */
export function PatientCharts(props: { data: PatientData }) {
  const i18n = useI18n();
  const { t } = i18n;
  const fmt = clinicianFmt(i18n);
  const [Chart, setChart] = createSignal<ChartCtor>();
  const [failed, setFailed] = createSignal(false);
  loadChart().then((c) => setChart(() => c), (e: unknown) => {
    console.error('charts failed to load', e);
    setFailed(true);
  });
  const specs = createMemo(() => {
    i18n.locale();
    const d = props.data.charts();
    if (!d) return undefined;
    const now = new Date();
    return { pain: painChart(fmt, d, d.range, now), peg: pegChart(fmt, d, d.range, now), phq9: bandedChart(fmt, d, d.range, now, 'phq9') };
  });
  return (
    <section class="patient-charts" aria-labelledby="patient-charts-h">
      <h2 id="patient-charts-h">{t('clinician.patient.charts.heading')}</h2>
      <Show when={failed()}><p class="card alert" role="alert">{t('history.chartsFailed')}</p></Show>
      <Show when={specs()} fallback={<p role="status">{t('clinician.patient.charts.loading')}</p>}>
        {(s) => (
          <>
            <HistoryChart spec={s().pain} Chart={Chart()} failed={failed()} />
            <HistoryChart spec={s().peg} Chart={Chart()} failed={failed()} />
            <HistoryChart spec={s().phq9} Chart={Chart()} failed={failed()} />
          </>
        )}
      </Show>
    </section>
  );
}
