import { createSignal, onMount } from 'solid-js';
import { PLAN_LIMITS, type Goal } from '../../../domain';
import { Field } from '../../primitives/Field';
import { NrsScale } from '../../primitives/NrsScale';
import { showToast } from '../../primitives/toast';
import { usePlan } from './createPlan';
import { createPlanForm } from './createPlanForm';
import { usePlanText } from './plan-text';
import { FormAlert } from './plan-ui';

let counter = 0;

/** A clinician rates a goal's progress: 0 = where it started .. 10 = target reached. */
export function GoalRatingForm(props: { goal: Goal; onDone: (saved: boolean) => void }) {
  const data = usePlan();
  const { t, app } = usePlanText();
  const id = `rating-form-${++counter}`;
  const [progress, setProgress] = createSignal<number>();
  const [note, setNote] = createSignal('');
  const form = createPlanForm(() => ['progress', 'note']);
  let heading!: HTMLHeadingElement;
  let formEl!: HTMLFormElement;
  onMount(() => heading.focus());

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const p = progress();
    return form.submit(formEl, () => data.create('goal-rating', { goalId: props.goal.id, ...(p === undefined ? {} : { progress: p }), note: note() }), () => {
      showToast({ message: t('goals.rated') });
      props.onDone(true);
    });
  };

  return (
    <form ref={formEl} class="card soft plan-form" aria-labelledby={id} onSubmit={submit} novalidate>
      <h4 id={id} ref={heading} tabindex="-1">{t('ratingForm.heading', { name: props.goal.title })}</h4>
      <FormAlert message={form.alert()} extra={form.extra()} />
      <NrsScale name={`${id}-progress`} legend={t('ratingForm.progress')} value={progress()} onChange={setProgress}
        anchors={{ low: t('ratingForm.low'), high: t('ratingForm.high') }} error={form.errors()['progress']} required />
      <Field label={t('ratingForm.note')} type="textarea" value={note()} onInput={setNote} error={form.errors()['note']} maxLength={PLAN_LIMITS.longText} />
      <div class="actions">
        <button type="submit" class="button primary" disabled={form.busy()}>{t('ratingForm.save')}</button>
        <button type="button" class="button" onClick={() => props.onDone(false)}>{app('common.cancel')}</button>
      </div>
    </form>
  );
}
