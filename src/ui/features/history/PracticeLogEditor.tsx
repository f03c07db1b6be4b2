import { createSignal, Show } from 'solid-js';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { ChoiceGroup } from '../../primitives/ChoiceGroup';
import { Field } from '../../primitives/Field';
import { PRACTICE_STATUSES, type PracticeLog, type PracticeStatus } from '../../../domain/records';

export type PracticeChanges = Partial<Pick<PracticeLog, 'status' | 'minutes' | 'note'>>;

/**
 * Inline edit of a practice log's status, minutes and note. onSave resolves true when saved,
 * or to error message keys per field ('field:message'); what was typed stays on error.
 */
export function PracticeLogEditor(props: {
  log: PracticeLog;
  onSave: (changes: PracticeChanges) => Promise<boolean | string[]>;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [status, setStatus] = createSignal<PracticeStatus>(props.log.status);
  const [minutes, setMinutes] = createSignal(props.log.minutes === undefined ? '' : String(props.log.minutes));
  const [note, setNote] = createSignal(props.log.note ?? '');
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [saving, setSaving] = createSignal(false);
  const errorOf = (field: string) => errors()[field];

  async function save(e: SubmitEvent) {
    e.preventDefault();
    const text = minutes().trim();
    if (text !== '' && !/^\d+$/.test(text)) {
      setErrors({ minutes: t('validation.notInteger') });
      return;
    }
    setSaving(true);
    const result = await props.onSave({
      status: status(),
      minutes: text === '' ? undefined : Number(text),
      note: note().trim() === '' ? undefined : note(),
    });
    setSaving(false);
    if (result === true) return;
    const next: Record<string, string> = {};
    for (const item of result === false ? ['form:' + t('history.edit.failed')] : result) {
      const at = item.indexOf(':');
      next[item.slice(0, at)] ??= item.slice(at + 1);
    }
    setErrors(next);
  }

  return (
    <form class="practice-edit" onSubmit={save} noValidate>
      <Show when={Object.keys(errors()).length > 0}>
        <p class="error" role="alert">{errorOf('form') ?? t('validation.fixBelow')}</p>
      </Show>
      <ChoiceGroup
        name={`status-${props.log.id}`}
        legend={t('history.edit.status')}
        layout="wrap"
        choices={PRACTICE_STATUSES.map((s) => ({ value: s, label: t(`history.status.${s}` as MessageKey) }))}
        value={status()}
        onChange={(v) => setStatus(v as PracticeStatus)}
        error={errorOf('status')}
      />
      <Field
        label={t('history.edit.minutes')}
        hint={t('history.edit.minutesHint')}
        inputmode="numeric"
        value={minutes()}
        onInput={setMinutes}
        error={errorOf('minutes')}
      />
      <Field label={t('history.edit.note')} type="textarea" value={note()} onInput={setNote} error={errorOf('note')} maxLength={2000} />
      <div class="actions">
        <button type="submit" class="button primary" disabled={saving()}>{t('common.save')}</button>
        <button type="button" class="button" onClick={() => props.onCancel()}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}
