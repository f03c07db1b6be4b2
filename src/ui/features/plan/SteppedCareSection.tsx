import { createSignal, onMount } from 'solid-js';
import { PLAN_LIMITS, STEPPED_CARE_LEVELS, type SteppedCare, type SteppedCareInput } from '../../../domain';
import { ChoiceGroup } from '../../primitives/ChoiceGroup';
import { Field } from '../../primitives/Field';
import { showToast } from '../../primitives/toast';
import { usePlan } from './createPlan';
import { createPlanForm } from './createPlanForm';
import { steppedCareInputOf, steppedCareValuesOf } from './plan-forms';
import { changesBetween } from './plan-model';
import { usePlanText } from './plan-text';
import { FormAlert, useDates } from './plan-ui';
import { SingletonSection } from './SingletonSection';

/** Stepped care: the level (1 self-management, 2 guided, 3 specialist), what moves it, and the next review. */
export function SteppedCareSection() {
  const data = usePlan();
  const { t } = usePlanText();
  const dates = useDates();
  return (
    <SingletonSection
      kind="stepped-care"
      record={data.snapshot()?.steppedCare}
      texts={{ heading: 'steppedCare.heading', none: 'steppedCare.none', set: 'steppedCare.set', edit: 'steppedCare.edit', deleteLabel: 'steppedCare.deleteLabel', deleted: 'steppedCare.deleted' }}
      view={(r) => (
        <>
          <p class="plan-level">{t(`steppedCare.levels.${r.level}`)}</p>
          <p class="plan-label">{t('steppedCare.criteria')}</p>
          <p class="plan-text">{r.criteria}</p>
          <p>{t('steppedCare.reviewDate', { date: dates.local(r.reviewDate) })}</p>
        </>
      )}
      form={(original, done) => <SteppedCareForm original={original} onDone={done} />}
    />
  );
}

function SteppedCareForm(props: { original: SteppedCare | undefined; onDone: () => void }) {
  const data = usePlan();
  const { t, app } = usePlanText();
  const original = props.original;
  const start = steppedCareValuesOf(original);
  const [level, setLevel] = createSignal(start.level);
  const [criteria, setCriteria] = createSignal(start.criteria);
  const [reviewDate, setReviewDate] = createSignal(start.reviewDate);
  const form = createPlanForm(() => ['level', 'criteria', 'reviewDate']);
  let formEl!: HTMLFormElement;
  let heading!: HTMLHeadingElement;
  onMount(() => heading.focus());

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const input = steppedCareInputOf({ level: level(), criteria: criteria(), reviewDate: reviewDate() });
    const changes = changesBetween(steppedCareInputOf(start), input);
    return form.submit(formEl, () => data.saveSingleton('stepped-care', original, input as SteppedCareInput, changes), () => {
      showToast({ message: t('steppedCare.saved') });
      props.onDone();
    });
  };
  return (
    <form ref={formEl} class="card soft plan-form" aria-labelledby="stepped-form-h" onSubmit={submit} novalidate>
      <h3 id="stepped-form-h" ref={heading} tabindex="-1">{t('steppedCare.form.heading')}</h3>
      <FormAlert message={form.alert()} extra={form.extra()} />
      <ChoiceGroup name="stepped-level" legend={t('steppedCare.form.level')}
        choices={STEPPED_CARE_LEVELS.map((l) => ({ value: String(l), label: t(`steppedCare.levels.${l}`) }))}
        value={level() || undefined} onChange={(v) => setLevel(v as string)} error={form.errors()['level']} />
      <Field label={t('steppedCare.form.criteria')} type="textarea" value={criteria()} onInput={setCriteria}
        error={form.errors()['criteria']} maxLength={PLAN_LIMITS.longText} required />
      <Field label={t('steppedCare.form.reviewDate')} type="date" value={reviewDate()} onInput={setReviewDate}
        error={form.errors()['reviewDate']} required />
      <div class="actions">
        <button type="submit" class="button primary" disabled={form.busy()}>{t('steppedCare.form.save')}</button>
        <button type="button" class="button" onClick={() => props.onDone()}>{app('common.cancel')}</button>
      </div>
    </form>
  );
}
