import { createEffect, createMemo, Match, Show, Switch } from 'solid-js';
import { A, useParams } from '@solidjs/router';
import { panelRow } from '../../../domain/circle/panel';
import { useI18n } from '../../i18n/i18n';
import { PageTitle } from '../../primitives/PageTitle';
import { useAppData } from '../../app-data';
import { createPatient } from './createPatient';
import { toPanelInput } from './createPanel';
import { AlertsSection } from './AlertsSection';
import { PatientCharts } from './PatientCharts';
import { PlanSummary } from './PlanSummary';
import { IntakeLinkSection } from './IntakeLinkSection';
import { NotClinician } from './NotClinician';
import { NEED_ICON, NEED_KEY, dataAsOfWords } from './panel-text';
import './clinician.css';

/** /patients/:circleId: one patient for a clinician: alerts first, then trends, plan and messages. */
export default function PatientPage() {
  const { role } = useAppData();
  const params = useParams<{ circleId: string }>();
  return (
    <Show when={role === 'clinician'} fallback={<NotClinician />}>
      {/* Keyed: another patient is another view, with its own documents. */}
      <Show when={params.circleId} keyed>{(id) => <Patient circleId={id} />}</Show>
    </Show>
  );
}

function Patient(props: { circleId: string }) {
  const i18n = useI18n();
  const { t, tn } = i18n;
  const data = createPatient(() => props.circleId);
  createEffect(() => { if (data.known()) data.start(); });
  const now = new Date();
  const row = createMemo(() => {
    const s = data.summary();
    return s ? panelRow(toPanelInput(s), now) : undefined;
  });
  const name = () => data.name() || t('clinician.panel.unnamed');
  const alertCount = () => {
    const r = row();
    return r ? r.openAlerts.urgent + r.openAlerts.high + r.openAlerts.low : 0;
  };
  const q = `circle=${encodeURIComponent(props.circleId)}`;

  return (
    <>
      <p class="patient-back"><A class="button link" href="/panel"><span aria-hidden="true">← </span>{t('clinician.patient.back')}</A></p>
      <Switch fallback={<p role="status">{t('clinician.patient.loading')}</p>}>
        <Match when={data.failed()}>
          <PageTitle>{name()}</PageTitle>
          <p class="error" role="alert">{t('clinician.patient.loadFailed')}</p>
        </Match>
        <Match when={data.known() === false}>
          <PageTitle>{t('clinician.patient.notFound.title')}</PageTitle>
          <p>{t('clinician.patient.notFound.body')}</p>
        </Match>
        <Match when={data.known()}>
          <PageTitle sub={
            <Show when={row()}>
              {(r) => (
                <div class="patient-status">
                  <p class={`need need-${r().need}`}>
                    <span class="need-icon" aria-hidden="true">{NEED_ICON[r().need]}</span>
                    <span>{t(NEED_KEY[r().need])}<Show when={alertCount() > 0}>{' · '}{tn('clinician.openAlerts', alertCount())}</Show></span>
                  </p>
                  <p class="muted">{dataAsOfWords(i18n, r().dataAsOf, now)}</p>
                </div>
              )}
            </Show>
          }>{name()}</PageTitle>
          <AlertsSection data={data} />
          <PatientCharts data={data} />
          <PlanSummary data={data} planHref={`/plan?${q}`} />
          <section class="patient-messages" aria-labelledby="patient-messages-h">
            <h2 id="patient-messages-h">{t('clinician.patient.messages.heading')}</h2>
            <div class="actions"><A class="button" href={`/messages?${q}`}>{t('clinician.patient.messages.open', { name: name() })}</A></div>
          </section>
          <IntakeLinkSection circleId={props.circleId} name={name()} />
        </Match>
      </Switch>
    </>
  );
}
