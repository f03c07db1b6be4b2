import { createSignal, onMount, Show } from 'solid-js';
import { createPracticeItem, LIMITS, PRACTICE_CATEGORIES, type PracticeCategory, type PracticeItem, type PracticeItemInput } from '../../../domain';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { ChoiceGroup } from '../../primitives/ChoiceGroup';
import { Field } from '../../primitives/Field';
import type { PracticeData, SaveResult } from './createPractice';
import { fieldMessages, focusFirstInvalid, numberOrUndefined } from './form-helpers';

let formCounter = 0;

/** Add or edit a practice item. Validation is the domain's; every typed value survives an error. */
export function PracticeItemForm(props: {
  data: PracticeData;
  /** The item to edit; a new one is created when absent. */
  item?: PracticeItem;
  onDone: (saved: PracticeItem | null) => void;
}) {
  const { t } = useI18n();
  const headingId = `practice-form-${++formCounter}`;
  const [name, setName] = createSignal(props.item?.name ?? '');
  const [category, setCategory] = createSignal<PracticeCategory | undefined>(props.item?.category ?? 'exercise');
  const [minutes, setMinutes] = createSignal(props.item?.minutes === undefined ? '' : String(props.item.minutes));
  const [dose, setDose] = createSignal(props.item?.dose ?? '');
  const [perWeek, setPerWeek] = createSignal(String(props.item?.timesPerWeek ?? 3));
  const [instructions, setInstructions] = createSignal(props.item?.instructions ?? '');
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [message, setMessage] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  let heading!: HTMLHeadingElement;
  let form!: HTMLFormElement;
  onMount(() => heading.focus());

  const fields = (): PracticeItemInput => ({
    name: name(),
    ...(category() === undefined ? {} : { category: category() }),
    minutes: numberOrUndefined(minutes()),
    dose: dose(),
    timesPerWeek: numberOrUndefined(perWeek()),
    instructions: instructions(),
  });

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    if (busy()) return;
    setBusy(true);
    setMessage(undefined);
    let result: SaveResult<PracticeItem>;
    if (props.item) {
      const f = fields();
      // A blank optional field removes it from the record (undefined in the changes).
      result = await props.data.revise(props.item, {
        name: f.name, category: f.category, minutes: f.minutes, timesPerWeek: f.timesPerWeek,
        dose: f.dose?.trim() ? f.dose : undefined, instructions: f.instructions?.trim() ? f.instructions : undefined,
      });
    } else {
      const built = createPracticeItem(fields(), new Date());
      result = built.ok ? await props.data.save(built.value) : { ok: false, error: { kind: 'fields', errors: built.error } };
    }
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
    <form ref={form} class="card soft practice-form" aria-labelledby={headingId} onSubmit={submit} novalidate>
      <h3 id={headingId} ref={heading} tabindex="-1">{props.item ? t('practice.form.editHeading') : t('practice.form.addHeading')}</h3>
      <Show when={message()}><p class="error" role="alert">{message()}</p></Show>
      <Field label={t('practice.form.name')} hint={t('practice.form.nameHint')} value={name()} onInput={setName}
        error={errors()['name']} maxLength={LIMITS.name} required />
      <ChoiceGroup
        name={`${headingId}-category`}
        legend={t('practice.form.category')}
        choices={PRACTICE_CATEGORIES.map((c) => ({ value: c, label: t(`practice.categories.${c}` as MessageKey) }))}
        value={category()}
        onChange={(v) => setCategory(v as PracticeCategory)}
        error={errors()['category']}
      />
      <Field label={t('practice.form.minutes')} hint={t('practice.form.minutesHint')} type="number" inputmode="numeric"
        min={LIMITS.minutes.min} max={LIMITS.minutes.max} value={minutes()} onInput={setMinutes} error={errors()['minutes']} />
      <Field label={t('practice.form.dose')} hint={t('practice.form.doseHint')} value={dose()} onInput={setDose}
        error={errors()['dose']} maxLength={LIMITS.name} />
      <Field label={t('practice.form.timesPerWeek')} type="number" inputmode="numeric" min={LIMITS.timesPerWeek.min}
        max={LIMITS.timesPerWeek.max} value={perWeek()} onInput={setPerWeek} error={errors()['timesPerWeek']} required />
      <Field label={t('practice.form.instructions')} hint={t('practice.form.instructionsHint')} type="textarea"
        value={instructions()} onInput={setInstructions} error={errors()['instructions']} maxLength={LIMITS.longText} />
      <div class="actions">
        <button type="submit" class="button primary" disabled={busy()}>{t('practice.form.save')}</button>
        <button type="button" class="button" onClick={() => props.onDone(null)}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}
