import { createSignal, onMount, Show } from 'solid-js';
import { LIMITS, PRACTICE_STATUSES, type PracticeItem, type PracticeLog, type PracticeStatus } from '../../../domain';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { ChoiceGroup } from '../../primitives/ChoiceGroup';
import { Field } from '../../primitives/Field';
import { NrsScale } from '../../primitives/NrsScale';
import type { PracticeData, SaveResult } from './createPractice';
import { fieldMessages, focusFirstInvalid, fromLocalInput, numberOrUndefined, toLocalInput } from './form-helpers';

let logFormCounter = 0;

/** Log a practice with details, or edit an earlier log. Only the status is needed. */
export function PracticeLogForm(props: {
  data: PracticeData;
  /** The item being logged (new log). */
  item?: PracticeItem;
  /** The log being edited. */
  log?: PracticeLog;
  onDone: (saved: PracticeLog | null) => void;
}) {
  const { t } = useI18n();
  const id = `practice-log-${++logFormCounter}`;
  const name = () => props.log?.practiceName ?? props.item?.name ?? '';
  const initialTime = toLocalInput(props.log?.at ?? new Date());
  const initialMinutes = props.log ? props.log.minutes : props.item?.minutes;
  const [status, setStatus] = createSignal<PracticeStatus>(props.log?.status ?? 'done');
  const [minutes, setMinutes] = createSignal(initialMinutes === undefined ? '' : String(initialMinutes));
  const [helped, setHelped] = createSignal<number | undefined>(props.log?.helpfulness);
  const [note, setNote] = createSignal(props.log?.note ?? '');
  const [time, setTime] = createSignal(initialTime);
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [message, setMessage] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  let heading!: HTMLHeadingElement;
  let form!: HTMLFormElement;
  onMount(() => heading.focus());

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    if (busy() || (!props.log && !props.item)) return;
    setBusy(true);
    setMessage(undefined);
    // An untouched time keeps the stored one (with its seconds) instead of a rounded copy.
    const at = time() === initialTime && props.log ? props.log.at : fromLocalInput(time());
    const values = {
      status: status(),
      minutes: numberOrUndefined(minutes()),
      helpfulness: helped(),
      note: note().trim() === '' ? undefined : note(),
      at,
    };
    let result: SaveResult<PracticeLog>;
    if (props.log) result = await props.data.revise(props.log, values);
    else result = await props.data.logWith(props.item!, values);
    setBusy(false);
    if (result.ok) {
      setErrors({});
      props.onDone(result.value);
      return;
    }
    if (result.error.kind === 'fields') {
      setErrors(fieldMessages(result.error.errors, t));
      setMessage(t('validation.fixBelow'));
      focusFirstInvalid(form);
    } else {
      setMessage(t(result.error.key));
    }
  }

  return (
    <form ref={form} class="card soft practice-form" aria-labelledby={`${id}-h`} onSubmit={submit} novalidate>
      <h3 id={`${id}-h`} ref={heading} tabindex="-1">
        {props.log ? t('practice.log.editHeading', { name: name() }) : t('practice.log.heading', { name: name() })}
      </h3>
      <Show when={message()}><p class="error" role="alert">{message()}</p></Show>
      <ChoiceGroup
        name={`${id}-status`}
        legend={t('practice.log.status')}
        layout="wrap"
        choices={PRACTICE_STATUSES.map((s) => ({ value: s, label: t(`practice.statuses.${s}` as MessageKey) }))}
        value={status()}
        onChange={(v) => setStatus(v as PracticeStatus)}
        error={errors()['status']}
      />
      <Field label={t('practice.log.minutes')} type="number" inputmode="numeric" min={LIMITS.minutes.min}
        max={LIMITS.minutes.max} value={minutes()} onInput={setMinutes} error={errors()['minutes']} />
      <NrsScale
        name={`${id}-helped`}
        legend={t('practice.log.helped')}
        hint={t('practice.log.helpedHint')}
        value={helped()}
        onChange={setHelped}
        anchors={{ low: t('practice.log.helpedLow'), high: t('practice.log.helpedHigh') }}
        error={errors()['helpfulness']}
      />
      <Show when={helped() !== undefined}>
        <button type="button" class="button link" onClick={() => setHelped(undefined)}>{t('practice.log.clearHelped')}</button>
      </Show>
      <Field label={t('practice.log.note')} type="textarea" value={note()} onInput={setNote}
        error={errors()['note']} maxLength={LIMITS.longText} />
      <Field label={t('practice.log.time')} hint={t('practice.log.timeHint')} type="datetime-local" value={time()}
        onInput={setTime} error={errors()['at']} />
      <div class="actions">
        <button type="submit" class="button primary" disabled={busy()}>{t('practice.log.save')}</button>
        <button type="button" class="button" onClick={() => props.onDone(null)}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}
