import { createSignal, Index, onMount, Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { Field } from '../../primitives/Field';
import type { ValidationError } from '../../../domain/records';
import { createCrisisPlanSaver } from './createCrisis';
import type { CrisisContact, OwnCrisisPlan } from './crisis-plan';

/**
 * Edits the patient's own crisis plan (people to call, things that help). Nothing is written
 * until every field checks out, and what was typed stays in the form on any error.
 */
export function CrisisPlanEditor(props: { plan: OwnCrisisPlan | null; onDone: (saved: boolean) => void }) {
  const { t } = useI18n();
  const save = createCrisisPlanSaver();
  const startPeople = props.plan?.people.length ? props.plan.people.map((p) => ({ ...p })) : [{ name: '', phone: '' }];
  const [people, setPeople] = createSignal<CrisisContact[]>(startPeople);
  const [helpsText, setHelpsText] = createSignal((props.plan?.helps ?? []).join('\n'));
  const [errors, setErrors] = createSignal<ValidationError[]>([]);
  const [failed, setFailed] = createSignal<'invalid' | 'storage' | null>(null);
  const [busy, setBusy] = createSignal(false);
  let heading!: HTMLHeadingElement;
  let problem: HTMLParagraphElement | undefined;
  onMount(() => heading.focus());

  const message = (e: ValidationError | undefined): string | undefined => {
    if (!e) return undefined;
    if (e.field === 'people') return t('crisis.plan.tooManyPeople', { max: e.params?.['max'] ?? '' });
    if (e.field === 'helps' && e.code === 'outOfRange') return t('crisis.plan.tooManyHelps', { max: e.params?.['max'] ?? '' });
    if (e.code === 'wrongType') return t('crisis.plan.badPhone');
    if (e.code === 'tooLong') return t('validation.tooLong', { max: e.params?.['max'] ?? '' });
    return t('validation.required');
  };
  const errorFor = (field: string) => message(errors().find((e) => e.field === field));
  const update = (i: number, change: Partial<CrisisContact>) =>
    setPeople((list) => list.map((p, j) => (j === i ? { ...p, ...change } : p)));
  const remove = (i: number) => {
    setPeople((list) => list.filter((_, j) => j !== i));
    setErrors([]);
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (busy()) return;
    setBusy(true);
    const result = await save({ people: people(), helpsText: helpsText() });
    setBusy(false);
    if (result.ok) {
      props.onDone(true);
      return;
    }
    setErrors(result.error.kind === 'invalid' ? result.error.errors : []);
    setFailed(result.error.kind);
    problem?.focus();
  };

  return (
    <form class="card crisis-editor" onSubmit={submit} noValidate aria-labelledby="crisis-editor-heading">
      <h2 id="crisis-editor-heading" ref={heading} tabindex="-1">{t('crisis.plan.editHeading')}</h2>
      <p class="hint">{t('crisis.plan.onDevice')}</p>
      <h3>{t('crisis.plan.peopleHeading')}</h3>
      <Index each={people()}>
        {(person, i) => (
          <fieldset class="crisis-person-row">
            <legend>{t('crisis.plan.person', { n: i + 1 })}</legend>
            <Field label={t('crisis.plan.name')} value={person().name} autocomplete="name" maxLength={80}
              error={errorFor(`people.${i}.name`)} onInput={(v) => update(i, { name: v })} />
            <Field label={t('crisis.plan.phone')} hint={t('crisis.plan.phoneHint')} value={person().phone} inputmode="tel"
              autocomplete="tel" maxLength={30} error={errorFor(`people.${i}.phone`)} onInput={(v) => update(i, { phone: v })} />
            <div class="actions">
              <button type="button" class="button" onClick={() => remove(i)}>
                {person().name.trim() ? t('crisis.plan.removePerson', { name: person().name.trim() }) : t('crisis.plan.removeUnnamed', { n: i + 1 })}
              </button>
            </div>
          </fieldset>
        )}
      </Index>
      <Show when={errorFor('people')}>{(m) => <p class="error">{m()}</p>}</Show>
      <div class="actions">
        <button type="button" class="button" onClick={() => setPeople((list) => [...list, { name: '', phone: '' }])}>{t('crisis.plan.addPerson')}</button>
      </div>
      <Field type="textarea" label={t('crisis.plan.helpsLabel')} hint={t('crisis.plan.helpsHint')} value={helpsText()}
        error={errorFor('helps')} onInput={setHelpsText} />
      <Show when={failed()}>
        <p class="error" role="alert" tabindex="-1" ref={problem}>
          {failed() === 'storage' ? t('crisis.plan.saveFailed') : t('crisis.plan.fixBelow')}
        </p>
      </Show>
      <div class="actions">
        <button type="submit" class="button primary" disabled={busy()}>{t('crisis.plan.save')}</button>
        <button type="button" class="button" onClick={() => props.onDone(false)}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}
