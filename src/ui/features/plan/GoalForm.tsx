import { createSignal, For, onMount, Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { PLAN_LIMITS, type Goal, type GoalInput } from '../../../domain';
import { Field } from '../../primitives/Field';
import { showToast } from '../../primitives/toast';
import { usePlan, type PlanSaveResult } from './createPlan';
import { createPlanForm } from './createPlanForm';
import { goalInputOf, goalValuesOf, newMilestoneRow, type GoalValues } from './plan-forms';
import { changesBetween } from './plan-model';
import { usePlanText } from './plan-text';
import { FormAlert } from './plan-ui';

export type FormMode = 'create' | 'edit' | 'propose' | 'propose-new';

let counter = 0;

/**
 * Add or edit a goal (clinicians), or suggest a change or a new goal (patients and caregivers).
 * Validation is the domain's; what is typed stays until it is saved.
 */
export function GoalForm(props: { mode: FormMode; goal?: Goal; onDone: (saved: boolean) => void }) {
  const data = usePlan();
  const { t, app } = usePlanText();
  const id = `goal-form-${++counter}`;
  // What the form started from: an edit writes only the fields changed since.
  const original = props.goal;
  const [values, setValues] = createStore<GoalValues>(goalValuesOf(original));
  const [reason, setReason] = createSignal('');
  const proposing = () => props.mode === 'propose' || props.mode === 'propose-new';
  const form = createPlanForm(() => ['title', 'baseline', 'target', 'targetDate', 'milestones', ...values.milestones.map((_, i) => `milestones.${i}.text`), 'reason']);
  let heading!: HTMLHeadingElement;
  let formEl!: HTMLFormElement;
  onMount(() => heading.focus());

  const heading$ = () => {
    switch (props.mode) {
      case 'create': return t('goalForm.addHeading');
      case 'edit': return t('goalForm.editHeading');
      case 'propose': return t('goalForm.proposeHeading', { name: original?.title ?? '' });
      default: return t('goalForm.proposeNewHeading');
    }
  };

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    // Blank rows are dropped before saving, so error positions match the rows shown.
    setValues('milestones', (rows) => rows.filter((m) => m.text.trim() !== '' || m.reachedAt !== undefined));
    const input = goalInputOf(values);
    const changes = original ? changesBetween(goalInputOf(goalValuesOf(original)), input) : input;
    if (props.mode === 'edit' && Object.keys(changes).length === 0) {
      showToast({ message: t('errors.nothingChanged') });
      props.onDone(false);
      return;
    }
    if (props.mode === 'propose' && Object.keys(changes).length === 0) {
      form.fail(t('proposals.noChange'));
      return;
    }
    await form.submit<unknown>(formEl, (): Promise<PlanSaveResult<unknown>> => {
      switch (props.mode) {
        case 'create': return data.create('goal', input as GoalInput);
        case 'edit': return data.revise(original!, changes);
        case 'propose': return data.propose({ kind: 'goal', id: original!.id }, changes, reason());
        default: return data.propose({ kind: 'goal', id: null }, input, reason());
      }
    }, () => {
      showToast({ message: proposing() ? t('proposals.sent') : props.mode === 'create' ? t('goals.added') : t('goals.saved') });
      props.onDone(true);
    });
  }

  return (
    <form ref={formEl} class="card soft plan-form" aria-labelledby={id} onSubmit={submit} novalidate>
      <h3 id={id} ref={heading} tabindex="-1">{heading$()}</h3>
      <FormAlert message={form.alert()} extra={form.extra()} />
      <Field label={t('goalForm.title')} hint={t('goalForm.titleHint')} value={values.title} onInput={(v) => setValues('title', v)}
        error={form.errors()['title']} maxLength={PLAN_LIMITS.name} required />
      <Field label={t('goalForm.baseline')} hint={t('goalForm.baselineHint')} type="textarea" value={values.baseline}
        onInput={(v) => setValues('baseline', v)} error={form.errors()['baseline']} maxLength={PLAN_LIMITS.text} required />
      <Field label={t('goalForm.target')} hint={t('goalForm.targetHint')} type="textarea" value={values.target}
        onInput={(v) => setValues('target', v)} error={form.errors()['target']} maxLength={PLAN_LIMITS.text} required />
      <Field label={t('goalForm.targetDate')} type="date" value={values.targetDate} onInput={(v) => setValues('targetDate', v)}
        error={form.errors()['targetDate']} required />
      <fieldset class="plan-rows" classList={{ invalid: !!form.errors()['milestones'] }}>
        <legend>{t('goalForm.milestones')}</legend>
        <p class="hint">{t('goalForm.milestonesHint')}</p>
        <Show when={form.errors()['milestones']}><p class="error">{form.errors()['milestones']}</p></Show>
        <For each={values.milestones}>
          {(row, i) => (
            <div class="plan-row">
              <Field label={t('goalForm.milestone', { n: i() + 1 })} value={row.text} onInput={(v) => setValues('milestones', i(), 'text', v)}
                error={form.errors()[`milestones.${i()}.text`]} maxLength={PLAN_LIMITS.shortText} />
              <button type="button" class="button link" onClick={() => setValues('milestones', (rows) => rows.filter((_, j) => j !== i()))}>
                {t('goalForm.removeMilestone', { n: i() + 1 })}
              </button>
            </div>
          )}
        </For>
        <Show when={values.milestones.length < PLAN_LIMITS.milestones}>
          <button type="button" class="button" onClick={() => setValues('milestones', (rows) => [...rows, newMilestoneRow()])}>
            <span aria-hidden="true">+</span> {t('goalForm.addMilestone')}
          </button>
        </Show>
      </fieldset>
      <Show when={proposing()}>
        <Field label={t('proposals.reasonLabel')} hint={t('proposals.reasonHint')} type="textarea" value={reason()} onInput={setReason}
          error={form.errors()['reason']} maxLength={PLAN_LIMITS.longText} />
      </Show>
      <div class="actions">
        <button type="submit" class="button primary" disabled={form.busy()}>{proposing() ? t('proposals.send') : t('goalForm.save')}</button>
        <button type="button" class="button" onClick={() => props.onDone(false)}>{app('common.cancel')}</button>
      </div>
    </form>
  );
}
