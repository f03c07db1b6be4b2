import { createSignal, For, Show } from 'solid-js';
import { LIMITS } from '../../../domain/validate-fields';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { showToast } from '../../primitives/toast';
import type { AckError, AlertItem, PatientData } from './createPatient';
import { LEVEL_ICON, LEVEL_KEY, alertDetail, alertTitle } from './alert-text';

const ACK_ERROR: Record<AckError, MessageKey> = {
  'note-required': 'clinician.patient.alerts.noteRequired',
  invalid: 'clinician.patient.alerts.failed',
  failed: 'clinician.patient.alerts.failed',
  'read-only': 'clinician.patient.alerts.readOnly',
  'not-member': 'clinician.patient.alerts.notMember',
};

/** Open alerts first (most pressing first, each with Acknowledge), then the acknowledged ones with who, when and note. */
export function AlertsSection(props: { data: PatientData }) {
  const { t } = useI18n();
  let openHeading!: HTMLHeadingElement;
  const view = () => props.data.alerts();
  return (
    <section class="patient-alerts" aria-labelledby="patient-alerts-h">
      <h2 id="patient-alerts-h">{t('clinician.patient.alerts.heading')}</h2>
      <Show when={view()} fallback={<p role="status">{t('app.loading')}</p>}>
        {(v) => (
          <Show when={v().readable} fallback={<p>{t('clinician.patient.alerts.notRead')}</p>}>
            <h3 id="patient-open-alerts-h" ref={openHeading} tabindex="-1">{t('clinician.patient.alerts.openHeading')}</h3>
            <Show when={v().readOnly}><p class="card alert">{t('clinician.patient.alerts.readOnly')}</p></Show>
            <Show when={!v().readOnly && !v().canAcknowledge && v().open.length > 0}>
              <p class="hint">{t('clinician.patient.alerts.notMember')}</p>
            </Show>
            <Show when={v().open.length > 0} fallback={<p>{t('clinician.patient.alerts.none')}</p>}>
              <ul class="plain alert-list" aria-labelledby="patient-open-alerts-h">
                <For each={v().open}>
                  {(item) => (
                    <OpenAlert
                      item={item}
                      canAcknowledge={v().canAcknowledge}
                      onAcknowledge={async (note) => {
                        const result = await props.data.acknowledge(item.alert.id, note);
                        if (result.ok) {
                          // The alert leaves this list: focus goes to the list's heading, not the page body.
                          openHeading.focus();
                          showToast({ message: t('clinician.patient.alerts.saved') });
                          return null;
                        }
                        return t(ACK_ERROR[result.error]);
                      }}
                    />
                  )}
                </For>
              </ul>
            </Show>
            <h3 id="patient-acked-alerts-h">{t('clinician.patient.alerts.ackHeading')}</h3>
            <Show when={v().acknowledged.length > 0} fallback={<p class="muted">{t('clinician.patient.alerts.ackNone')}</p>}>
              <ul class="plain alert-list" aria-labelledby="patient-acked-alerts-h">
                <For each={v().acknowledged}>{(item) => <AcknowledgedAlert item={item} data={props.data} />}</For>
              </ul>
            </Show>
          </Show>
        )}
      </Show>
    </section>
  );
}

function AlertHead(props: { item: AlertItem }) {
  const i18n = useI18n();
  const { t, formatDate } = i18n;
  return (
    <>
      <p class={`alert-level level-${props.item.level}`}>
        <span aria-hidden="true">{LEVEL_ICON[props.item.level]} </span>{t(LEVEL_KEY[props.item.level])}
      </p>
      <h4>{alertTitle(i18n, props.item.alert)}</h4>
      <p>{alertDetail(i18n, props.item.alert)}</p>
      <p class="muted">{t('clinician.patient.alerts.raised', { date: formatDate(props.item.alert.raisedAt, { dateStyle: 'medium', timeStyle: 'short' }) })}</p>
    </>
  );
}

let formCounter = 0;

function OpenAlert(props: { item: AlertItem; canAcknowledge: boolean; onAcknowledge: (note: string) => Promise<string | null> }) {
  const i18n = useI18n();
  const { t } = i18n;
  const id = `ack-note-${++formCounter}`;
  const [open, setOpen] = createSignal(false);
  const [note, setNote] = createSignal('');
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  let textarea: HTMLTextAreaElement | undefined;
  let opener: HTMLButtonElement | undefined;

  async function submit(e: Event) {
    e.preventDefault();
    if (note().trim() === '') {
      setError(t('clinician.patient.alerts.noteRequired'));
      textarea?.focus();
      return;
    }
    setBusy(true);
    // What was typed stays in the field whatever happens.
    const problem = await props.onAcknowledge(note());
    setBusy(false);
    setError(problem ?? undefined);
    if (problem) textarea?.focus();
  }

  return (
    <li class={`card alert-card level-${props.item.level}`}>
      <AlertHead item={props.item} />
      <Show
        when={open()}
        fallback={
          <div class="actions">
            <button
              type="button"
              class="button"
              ref={opener}
              disabled={!props.canAcknowledge}
              aria-label={t('clinician.patient.alerts.acknowledgeLabel', { what: alertTitle(i18n, props.item.alert) })}
              onClick={() => {
                setOpen(true);
                textarea?.focus();
              }}
            >
              {t('clinician.patient.alerts.acknowledge')}
            </button>
          </div>
        }
      >
        <form class="ack-form" novalidate onSubmit={submit}>
          <div class="field" classList={{ invalid: !!error() }}>
            <label for={id}>{t('clinician.patient.alerts.noteLabel')}</label>
            <p class="hint" id={`${id}-hint`}>{t('clinician.patient.alerts.noteHint')}</p>
            <textarea
              id={id}
              ref={textarea}
              rows={3}
              maxLength={LIMITS.longText}
              aria-required="true"
              aria-invalid={error() ? 'true' : undefined}
              aria-describedby={`${id}-hint${error() ? ` ${id}-error` : ''}`}
              value={note()}
              onInput={(e) => {
                setNote(e.currentTarget.value);
                if (error() && e.currentTarget.value.trim() !== '') setError(undefined);
              }}
            />
            <Show when={error()}><p class="error" id={`${id}-error`} role="alert">{error()}</p></Show>
          </div>
          <div class="actions">
            <button type="submit" class="button primary" disabled={busy()}>{t('clinician.patient.alerts.save')}</button>
            <button
              type="button"
              class="button"
              onClick={() => {
                setOpen(false);
                setError(undefined);
                queueMicrotask(() => opener?.focus());
              }}
            >
              {t('clinician.patient.alerts.cancel')}
            </button>
          </div>
        </form>
      </Show>
    </li>
  );
}

function AcknowledgedAlert(props: { item: AlertItem; data: PatientData }) {
  const { t, formatDate } = useI18n();
  const who = (ref: string) => {
    const name = props.data.members().get(ref);
    if (ref === props.data.me()) return t('clinician.patient.alerts.you', { name: name ?? t('clinician.patient.alerts.someone') });
    return name ?? t('clinician.patient.alerts.someone');
  };
  const when = (iso: string) => formatDate(iso, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <li class="card alert-card acknowledged">
      <AlertHead item={props.item} />
      <For each={props.item.acks}>
        {(ack, i) => (
          <div class="ack">
            <p class="ack-by">
              {t(i() === 0 ? 'clinician.patient.alerts.ackBy' : 'clinician.patient.alerts.alsoBy', { who: who(ack.by), date: when(ack.at) })}
            </p>
            <Show when={ack.note}><blockquote class="ack-note">{ack.note}</blockquote></Show>
          </div>
        )}
      </For>
    </li>
  );
}
