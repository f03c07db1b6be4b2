import { createSignal, For, onMount, Show } from 'solid-js';
import { DialLink } from '../../primitives/DialLink';
import { createStore } from 'solid-js/store';
import { PLAN_LIMITS, type CrisisPlanInput, type CrisisPlanRecord } from '../../../domain';
import { Field } from '../../primitives/Field';
import { showToast } from '../../primitives/toast';
import { usePlan } from './createPlan';
import { createPlanForm } from './createPlanForm';
import { crisisInputOf, crisisValuesOf, type CrisisValues } from './plan-forms';
import { changesBetween } from './plan-model';
import { usePlanText } from './plan-text';
import { FormAlert } from './plan-ui';
import { SingletonSection } from './SingletonSection';

/** The tel: form of a number as people write it ('555 010-0100' -> '5550100100'). */
const dialable = (phone: string) => phone.replace(/[^0-9+]/g, '');

/** The care team's crisis plan: the steps to follow and the people to call. */
export function CrisisPlanSection() {
  const data = usePlan();
  const { t } = usePlanText();
  return (
    <SingletonSection
      kind="crisis-plan"
      record={data.snapshot()?.crisisPlan}
      texts={{ heading: 'crisis.heading', none: 'crisis.none', set: 'crisis.set', edit: 'crisis.edit', deleteLabel: 'crisis.deleteLabel', deleted: 'crisis.deleted' }}
      view={(r) => (
        <>
          <Show when={r.steps.length > 0}>
            <p class="plan-label">{t('crisis.steps')}</p>
            <ol><For each={r.steps}>{(s) => <li>{s}</li>}</For></ol>
          </Show>
          <Show when={r.people.length > 0}>
            <p class="plan-label">{t('crisis.people')}</p>
            <ul class="plain plan-people">
              <For each={r.people}>
                {(p) => (
                  <li>
                    <DialLink class="button" href={`tel:${dialable(p.phone)}`}>{t('crisis.call', { name: p.name })}</DialLink>
                    <span class="plan-phone">{p.phone}</span>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </>
      )}
      form={(original, done) => <CrisisPlanForm original={original} onDone={done} />}
    />
  );
}

function CrisisPlanForm(props: { original: CrisisPlanRecord | undefined; onDone: () => void }) {
  const data = usePlan();
  const { t, app } = usePlanText();
  const original = props.original;
  const start = crisisValuesOf(original);
  const [values, setValues] = createStore<CrisisValues>(structuredClone(start));
  const form = createPlanForm(() => ['people', 'steps', ...values.people.flatMap((_, i) => [`people.${i}.name`, `people.${i}.phone`])]);
  let formEl!: HTMLFormElement;
  let heading!: HTMLHeadingElement;
  onMount(() => heading.focus());

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    // Completely blank rows are dropped first, so that error positions match the rows shown.
    setValues('people', (rows) => rows.filter((p) => p.name.trim() !== '' || p.phone.trim() !== ''));
    const input = crisisInputOf(values);
    const changes = changesBetween(crisisInputOf(start), input);
    return form.submit(formEl, () => data.saveSingleton('crisis-plan', original, input as CrisisPlanInput, changes), () => {
      showToast({ message: t('crisis.saved') });
      props.onDone();
    });
  };
  return (
    <form ref={formEl} class="card soft plan-form" aria-labelledby="crisis-form-h" onSubmit={submit} novalidate>
      <h3 id="crisis-form-h" ref={heading} tabindex="-1">{t('crisis.form.heading')}</h3>
      <FormAlert message={form.alert()} extra={form.extra()} />
      <Field label={t('crisis.form.steps')} hint={t('crisis.form.stepsHint')} type="textarea" value={values.steps}
        onInput={(v) => setValues('steps', v)} error={form.errors()['steps']} maxLength={PLAN_LIMITS.shortText * PLAN_LIMITS.crisisSteps} />
      <fieldset class="plan-rows" classList={{ invalid: !!form.errors()['people'] }}>
        <legend>{t('crisis.people')}</legend>
        <Show when={form.errors()['people']}><p class="error">{form.errors()['people']}</p></Show>
        <For each={values.people}>
          {(row, i) => (
            <fieldset class="plan-row">
              <legend>{t('crisis.form.person', { n: i() + 1 })}</legend>
              <Field label={t('crisis.form.name')} value={row.name} onInput={(v) => setValues('people', i(), 'name', v)}
                error={form.errors()[`people.${i()}.name`]} maxLength={PLAN_LIMITS.contactName} autocomplete="off" />
              <Field label={t('crisis.form.phone')} value={row.phone} inputmode="tel" onInput={(v) => setValues('people', i(), 'phone', v)}
                error={form.errors()[`people.${i()}.phone`]} maxLength={PLAN_LIMITS.phone} />
              <button type="button" class="button link" onClick={() => setValues('people', (rows) => rows.filter((_, j) => j !== i()))}>
                {t('crisis.form.removePerson', { n: i() + 1 })}
              </button>
            </fieldset>
          )}
        </For>
        <Show when={values.people.length < PLAN_LIMITS.crisisPeople}>
          <button type="button" class="button" onClick={() => setValues('people', (rows) => [...rows, { name: '', phone: '' }])}>
            <span aria-hidden="true">+</span> {t('crisis.form.addPerson')}
          </button>
        </Show>
      </fieldset>
      <div class="actions">
        <button type="submit" class="button primary" disabled={form.busy()}>{t('crisis.form.save')}</button>
        <button type="button" class="button" onClick={() => props.onDone()}>{app('common.cancel')}</button>
      </div>
    </form>
  );
}
