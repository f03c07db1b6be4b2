import { Show } from 'solid-js';
import type { SetStoreFunction } from 'solid-js/store';
import { ACTIVITY_LEVELS, PAIN_QUALITIES, TRIGGERS, type ActivityLevel, type PainQuality, type Trigger } from '../../../domain/records';
import { LIMITS } from '../../../domain/validate-fields';
import { useI18n } from '../../i18n/i18n';
import { ChoiceGroup } from '../../primitives/ChoiceGroup';
import { Field } from '../../primitives/Field';
import { BodyMap } from './BodyMap';
import { OptionalScale } from './OptionalScale';
import { SLEEP_HOURS_CHARS, toLocalInput, type DiaryDraft } from './diary-draft';

/** Error messages by draft field name. */
export type FieldErrors = Partial<Record<keyof DiaryDraft, string>>;

/**
 * The optional details of a diary entry (everything but the pain number), shared by
 * Today's "Add details" and the edit screen. Every field is optional.
 */
export function DiaryForm(props: {
  draft: DiaryDraft;
  setDraft: SetStoreFunction<DiaryDraft>;
  errors: FieldErrors;
  /** Today: offer "use the time now" once the time was changed. */
  timeDefaultsToNow?: boolean;
}) {
  const { t } = useI18n();
  const d = () => props.draft;
  const set = props.setDraft;
  return (
    <div class="diary-form">
      <Field
        label={t('diary.form.when')}
        hint={t('diary.form.whenHint')}
        type="datetime-local"
        value={d().at}
        onInput={(v) => set({ at: v, atTouched: true })}
        error={props.errors.at}
      />
      <Show when={props.timeDefaultsToNow && d().atTouched}>
        <button type="button" class="button link" onClick={() => set({ at: toLocalInput(new Date()), atTouched: false })}>{t('diary.form.whenNow')}</button>
      </Show>

      <BodyMap value={d().bodyAreas} onChange={(v) => set('bodyAreas', v)} error={props.errors.bodyAreas} />

      <ChoiceGroup
        name="pain-qualities"
        legend={t('diary.form.qualities')}
        multiple
        layout="wrap"
        choices={PAIN_QUALITIES.map((q) => ({ value: q, label: t(`diary.qualities.${q}`) }))}
        value={d().painQualities}
        onChange={(v) => set('painQualities', v as PainQuality[])}
        error={props.errors.painQualities}
      />

      <ChoiceGroup
        name="triggers"
        legend={t('diary.form.triggers')}
        multiple
        layout="wrap"
        choices={TRIGGERS.map((x) => ({ value: x, label: t(`diary.triggers.${x}`) }))}
        value={d().triggers}
        onChange={(v) => set('triggers', v as Trigger[])}
        error={props.errors.triggers}
      />
      <Field label={t('diary.form.triggerNote')} value={d().triggerNote} onInput={(v) => set('triggerNote', v)} maxLength={LIMITS.longText} error={props.errors.triggerNote} />

      <Field label={t('diary.form.helped')} type="textarea" value={d().helped} onInput={(v) => set('helped', v)} maxLength={LIMITS.longText} error={props.errors.helped} />

      <OptionalScale
        name="sleep-quality"
        legend={t('diary.form.sleepQuality')}
        low={t('diary.form.sleepLow')}
        high={t('diary.form.sleepHigh')}
        value={d().sleepQuality}
        onChange={(v) => set('sleepQuality', v)}
        error={props.errors.sleepQuality}
      />
      <Field
        label={t('diary.form.sleepHours')}
        hint={t('diary.form.sleepHoursHint')}
        inputmode="decimal"
        maxLength={SLEEP_HOURS_CHARS}
        value={d().sleepHours}
        onInput={(v) => set('sleepHours', v)}
        error={props.errors.sleepHours}
      />

      <OptionalScale
        name="mood"
        legend={t('diary.form.mood')}
        low={t('diary.form.moodLow')}
        high={t('diary.form.moodHigh')}
        value={d().mood}
        onChange={(v) => set('mood', v)}
        error={props.errors.mood}
      />
      <OptionalScale
        name="fatigue"
        legend={t('diary.form.fatigue')}
        low={t('diary.form.fatigueLow')}
        high={t('diary.form.fatigueHigh')}
        value={d().fatigue}
        onChange={(v) => set('fatigue', v)}
        error={props.errors.fatigue}
      />

      <ChoiceGroup
        name="activity"
        legend={t('diary.form.activity')}
        choices={ACTIVITY_LEVELS.map((a) => ({ value: a, label: t(`diary.activity.${a}`) }))}
        value={d().activity}
        onChange={(v) => set('activity', v as ActivityLevel)}
        error={props.errors.activity}
      />
      <Show when={d().activity !== undefined}>
        <button type="button" class="button link" aria-label={t('diary.form.clearLabel', { field: t('diary.form.activity') })} onClick={() => set('activity', undefined)}>
          {t('diary.form.clear')}
        </button>
      </Show>

      <Field label={t('diary.form.note')} hint={t('diary.form.noteHint')} type="textarea" value={d().note} onInput={(v) => set('note', v)} maxLength={LIMITS.longText} error={props.errors.note} />
    </div>
  );
}
