import { createSignal, For, onMount } from 'solid-js';
import { PLAN_LIMITS, type Escalation, type EscalationInput } from '../../../domain';
import { Field } from '../../primitives/Field';
import { showToast } from '../../primitives/toast';
import { usePlan } from './createPlan';
import { createPlanForm } from './createPlanForm';
import { escalationInputOf, escalationValuesOf } from './plan-forms';
import { changesBetween } from './plan-model';
import { usePlanText } from './plan-text';
import { FormAlert } from './plan-ui';
import { SingletonSection } from './SingletonSection';

/** Escalation criteria: when to contact the care team, and what to do. */
export function EscalationSection() {
  const data = usePlan();
  const { t } = usePlanText();
  return (
    <SingletonSection
      kind="escalation"
      record={data.snapshot()?.escalation}
      texts={{ heading: 'escalation.heading', none: 'escalation.none', set: 'escalation.set', edit: 'escalation.edit', deleteLabel: 'escalation.deleteLabel', deleted: 'escalation.deleted' }}
      view={(r) => (
        <>
          <p class="plan-label">{t('escalation.criteria')}</p>
          <ul><For each={r.criteria}>{(c) => <li>{c}</li>}</For></ul>
          <p class="plan-label">{t('escalation.instructions')}</p>
          <p class="plan-text">{r.instructions}</p>
        </>
      )}
      form={(original, done) => <EscalationForm original={original} onDone={done} />}
    />
  );
}

function EscalationForm(props: { original: Escalation | undefined; onDone: () => void }) {
  const data = usePlan();
  const { t, app } = usePlanText();
  const original = props.original;
  const start = escalationValuesOf(original);
  const [criteria, setCriteria] = createSignal(start.criteria);
  const [instructions, setInstructions] = createSignal(start.instructions);
  const form = createPlanForm(() => ['criteria', 'instructions']);
  let formEl!: HTMLFormElement;
  let heading!: HTMLHeadingElement;
  onMount(() => heading.focus());

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const input = escalationInputOf({ criteria: criteria(), instructions: instructions() });
    const changes = changesBetween(escalationInputOf(start), input);
    return form.submit(formEl, () => data.saveSingleton('escalation', original, input as EscalationInput, changes), () => {
      showToast({ message: t('escalation.saved') });
      props.onDone();
    });
  };
  return (
    <form ref={formEl} class="card soft plan-form" aria-labelledby="escalation-form-h" onSubmit={submit} novalidate>
      <h3 id="escalation-form-h" ref={heading} tabindex="-1">{t('escalation.form.heading')}</h3>
      <FormAlert message={form.alert()} extra={form.extra()} />
      <Field label={t('escalation.form.criteria')} hint={t('escalation.form.criteriaHint')} type="textarea" value={criteria()}
        onInput={setCriteria} error={form.errors()['criteria']} maxLength={PLAN_LIMITS.shortText * PLAN_LIMITS.escalationCriteria} required />
      <Field label={t('escalation.form.instructions')} type="textarea" value={instructions()} onInput={setInstructions}
        error={form.errors()['instructions']} maxLength={PLAN_LIMITS.longText} required />
      <div class="actions">
        <button type="submit" class="button primary" disabled={form.busy()}>{t('escalation.form.save')}</button>
        <button type="button" class="button" onClick={() => props.onDone()}>{app('common.cancel')}</button>
      </div>
    </form>
  );
}
