import { createSignal, Match, onMount, Show, Switch, type JSX } from 'solid-js';
import { createStore, type SetStoreFunction } from 'solid-js/store';
import {
  CBT_SKILLS, PLAN_LIMITS, PRACTICE_CATEGORIES, RELAXATION_TECHNIQUES,
  type PlanItem, type PlanItemInput, type PracticeCategory, type Weekday,
} from '../../../domain';
import { ChoiceGroup } from '../../primitives/ChoiceGroup';
import { Field } from '../../primitives/Field';
import { showToast } from '../../primitives/toast';
import { usePlan, type PlanSaveResult } from './createPlan';
import { createPlanForm } from './createPlanForm';
import type { FormMode } from './GoalForm';
import { itemInputOf, itemValuesOf, NO_MINUTES, type ItemValues } from './plan-forms';
import { changesBetween } from './plan-model';
import { usePlanText, type PlanKey } from './plan-text';
import { FormAlert } from './plan-ui';
import { useWeekdayNames } from './item-text';

let counter = 0;

const SHOWN = ['category', 'name', 'instructions', 'timesPerWeek', 'minutes', 'days', 'startDate', 'endDate', 'sets', 'reps', 'skill',
  'homework', 'technique', 'activity', 'timeLimitMinutes', 'restMinutes', 'wakeTime', 'windDown', 'dose', 'schedule', 'purpose',
  'sideEffectsToWatch', 'readingTitle', 'readingText', 'reason'];

/**
 * Add or edit a plan item of any kind (clinicians), or suggest a change or a new one (patients
 * and caregivers). The fields follow the kind chosen; validation is the domain's.
 */
export function PlanItemForm(props: { mode: FormMode; item?: PlanItem; category?: PracticeCategory; onDone: (saved: boolean) => void }) {
  const data = usePlan();
  const { t, app } = usePlanText();
  const weekdays = useWeekdayNames();
  const id = `item-form-${++counter}`;
  const original = props.item;
  const [values, setValues] = createStore<ItemValues>(itemValuesOf(original, props.category));
  const [reason, setReason] = createSignal('');
  const proposing = () => props.mode === 'propose' || props.mode === 'propose-new';
  const form = createPlanForm(() => SHOWN);
  let heading!: HTMLHeadingElement;
  let formEl!: HTMLFormElement;
  onMount(() => heading.focus());

  const title = () => {
    switch (props.mode) {
      case 'create': return t('itemForm.addHeading');
      case 'edit': return t('itemForm.editHeading');
      case 'propose': return t('itemForm.proposeHeading', { name: original?.name ?? '' });
      default: return t('itemForm.proposeNewHeading');
    }
  };

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const input = itemInputOf(values);
    const changes = original ? changesBetween(itemInputOf(itemValuesOf(original)), input) : input;
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
        case 'create': return data.create('plan-item', input as PlanItemInput);
        case 'edit': return data.revise(original!, changes);
        case 'propose': return data.propose({ kind: 'plan-item', id: original!.id }, changes, reason());
        default: return data.propose({ kind: 'plan-item', id: null }, input, reason());
      }
    }, () => {
      showToast({ message: proposing() ? t('proposals.sent') : props.mode === 'create' ? t('items.added') : t('items.saved') });
      props.onDone(true);
    });
  }

  const err = (field: string) => form.errors()[field];
  const text: TextField = (field, label, opts = {}) => (
    <Field label={t(label)} hint={opts.hint} type={opts.area ? 'textarea' : 'text'} value={values[field] as string}
      onInput={(v) => setValues(field, v as never)} error={err(field)} maxLength={opts.max ?? PLAN_LIMITS.shortText} required={opts.required} />
  );
  const num: NumField = (field, label, range, hint) => (
    <Field label={t(label)} hint={hint} type="number" inputmode="numeric" min={range.min} max={range.max} value={values[field] as string}
      onInput={(v) => setValues(field, v as never)} error={err(field)} />
  );

  return (
    <form ref={formEl} class="card soft plan-form" aria-labelledby={id} onSubmit={submit} novalidate>
      <h3 id={id} ref={heading} tabindex="-1">{title()}</h3>
      <FormAlert message={form.alert()} extra={form.extra()} />
      <ChoiceGroup name={`${id}-category`} legend={t('itemForm.category')} layout="wrap"
        choices={PRACTICE_CATEGORIES.map((c) => ({ value: c, label: t(`categories.${c}`) }))}
        value={values.category} onChange={(v) => setValues('category', v as PracticeCategory)} error={err('category')} />
      {text('name', 'itemForm.name', { hint: values.category === 'medication' ? t('itemForm.nameHint') : undefined, max: PLAN_LIMITS.name, required: true })}
      <Details values={values} setValues={setValues} text={text} num={num} err={err} id={id} />
      {text('instructions', 'itemForm.instructions', { area: true, max: PLAN_LIMITS.longText })}
      {num('timesPerWeek', 'itemForm.timesPerWeek', PLAN_LIMITS.timesPerWeek, t('itemForm.timesPerWeekHint'))}
      <Show when={!NO_MINUTES.has(values.category)}>
        {num('minutes', 'itemForm.minutes', PLAN_LIMITS.minutes)}
      </Show>
      <ChoiceGroup<Weekday> name={`${id}-days`} legend={t('itemForm.days')} hint={t('itemForm.daysHint')} multiple layout="wrap"
        choices={weekdays().map((label, w) => ({ value: w as Weekday, label }))}
        value={values.days} onChange={(v) => setValues('days', v as Weekday[])} error={err('days')} />
      <div class="plan-two">
        <Field label={t('itemForm.startDate')} hint={t('itemForm.datesHint')} type="date" value={values.startDate} onInput={(v) => setValues('startDate', v)} error={err('startDate')} />
        <Field label={t('itemForm.endDate')} hint={t('itemForm.datesHint')} type="date" value={values.endDate} onInput={(v) => setValues('endDate', v)} error={err('endDate')} />
      </div>
      <Show when={proposing()}>
        <Field label={t('proposals.reasonLabel')} hint={t('proposals.reasonHint')} type="textarea" value={reason()} onInput={setReason}
          error={err('reason')} maxLength={PLAN_LIMITS.longText} />
      </Show>
      <div class="actions">
        <button type="submit" class="button primary" disabled={form.busy()}>{proposing() ? t('proposals.send') : t('itemForm.save')}</button>
        <button type="button" class="button" onClick={() => props.onDone(false)}>{app('common.cancel')}</button>
      </div>
    </form>
  );
}

type TextField = (field: keyof ItemValues, label: PlanKey, opts?: { hint?: string; area?: boolean; max?: number; required?: boolean }) => JSX.Element;
type NumField = (field: keyof ItemValues, label: PlanKey, range: { min: number; max: number }, hint?: string) => JSX.Element;

/** The fields of the chosen kind (CLINICAL.md's vocabulary: sets and reps, skill and homework, ...). */
function Details(props: { values: ItemValues; setValues: SetStoreFunction<ItemValues>; text: TextField; num: NumField; err: (f: string) => string | undefined; id: string }) {
  const { t } = usePlanText();
  return (
    <Switch>
      <Match when={props.values.category === 'exercise'}>
        <div class="plan-two">
          {props.num('sets', 'itemForm.sets', PLAN_LIMITS.sets)}
          {props.num('reps', 'itemForm.reps', PLAN_LIMITS.reps)}
        </div>
      </Match>
      <Match when={props.values.category === 'cbt'}>
        <ChoiceGroup name={`${props.id}-skill`} legend={t('itemForm.skill')}
          choices={CBT_SKILLS.map((s) => ({ value: s, label: t(`skills.${s}`) }))}
          value={props.values.skill || undefined} onChange={(v) => props.setValues('skill', v as string)} error={props.err('skill')} />
        {props.text('homework', 'itemForm.homework', { area: true, max: PLAN_LIMITS.longText })}
      </Match>
      <Match when={props.values.category === 'relaxation'}>
        <ChoiceGroup name={`${props.id}-technique`} legend={t('itemForm.technique')}
          choices={RELAXATION_TECHNIQUES.map((s) => ({ value: s, label: t(`techniques.${s}`) }))}
          value={props.values.technique || undefined} onChange={(v) => props.setValues('technique', v as string)} error={props.err('technique')} />
      </Match>
      <Match when={props.values.category === 'pacing'}>
        {props.text('activity', 'itemForm.activity')}
        <div class="plan-two">
          {props.num('timeLimitMinutes', 'itemForm.timeLimitMinutes', PLAN_LIMITS.minutes)}
          {props.num('restMinutes', 'itemForm.restMinutes', PLAN_LIMITS.restMinutes)}
        </div>
      </Match>
      <Match when={props.values.category === 'sleep'}>
        <Field label={t('itemForm.wakeTime')} type="time" value={props.values.wakeTime} onInput={(v) => props.setValues('wakeTime', v)} error={props.err('wakeTime')} />
        {props.text('windDown', 'itemForm.windDown', { area: true, max: PLAN_LIMITS.longText })}
      </Match>
      <Match when={props.values.category === 'medication'}>
        {props.text('dose', 'itemForm.dose')}
        {props.text('schedule', 'itemForm.schedule', { hint: t('itemForm.scheduleHint') })}
        {props.text('purpose', 'itemForm.purpose')}
        {props.text('sideEffectsToWatch', 'itemForm.sideEffectsToWatch', { area: true, hint: t('itemForm.linesHint'), max: PLAN_LIMITS.shortText * PLAN_LIMITS.sideEffects })}
      </Match>
      <Match when={props.values.category === 'education'}>
        {props.text('readingTitle', 'itemForm.readingTitle')}
        {props.text('readingText', 'itemForm.readingText', { area: true, max: PLAN_LIMITS.readingText })}
      </Match>
    </Switch>
  );
}
