import { createSignal, For, Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { NrsScale } from '../../primitives/NrsScale';
import { ChoiceGroup } from '../../primitives/ChoiceGroup';
import { instrumentDef, phq9Item9Positive, PHQ9_ITEM9_INDEX } from '../../../domain/instruments/index';
import type { InstrumentId } from '../../../domain/records';
import { CrisisPanel } from '../crisis/CrisisPanel';
import { createAssessmentSaver, type SavedAssessment } from './createAssessments';
import { FREQUENCY_KEYS, FUNCTIONAL_KEYS, pegAnchorKeys, textKey } from './instrument-text';

/**
 * One questionnaire on one page: every item visible, each a fieldset with its legend. Nothing is
 * saved until every scored item has an answer. On PHQ-9, a 1-3 answer to item 9 shows the crisis
 * panel right under it at once (no network, nothing saved first); the person can still finish.
 */
export function AssessmentForm(props: { instrument: InstrumentId; onSaved: (saved: SavedAssessment) => void }) {
  const { t, tn } = useI18n();
  const def = instrumentDef(props.instrument);
  const save = createAssessmentSaver();
  const [answers, setAnswers] = createSignal<(number | undefined)[]>(Array.from({ length: def.itemCount }, () => undefined));
  const [functional, setFunctional] = createSignal<number | undefined>(undefined);
  const [checked, setChecked] = createSignal(false);
  const [failure, setFailure] = createSignal<'read-only' | 'storage' | null>(null);
  const [busy, setBusy] = createSignal(false);
  // Once shown, the panel stays for this visit: changing the answer back must not whisk help away.
  const [crisisShown, setCrisisShown] = createSignal(false);
  let form!: HTMLFormElement;

  const missing = () => answers().flatMap((a, i) => (a === undefined ? [i] : []));
  const answer = (i: number, value: number) => {
    const next = answers().map((a, j) => (j === i ? value : a));
    setAnswers(next);
    if (props.instrument === 'phq9' && phq9Item9Positive(next)) setCrisisShown(true);
  };
  const errorFor = (i: number) => (checked() && answers()[i] === undefined ? t('assessments.form.missing') : undefined);

  const focusItem = (i: number) => {
    const input = form.querySelector<HTMLInputElement>(`input[name="${props.instrument}-item${i + 1}"]`);
    input?.focus();
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (busy()) return;
    setChecked(true);
    setFailure(null);
    const gaps = missing();
    if (gaps.length > 0) {
      focusItem(gaps[0] ?? 0);
      return;
    }
    setBusy(true);
    const result = await save(props.instrument, answers() as number[], def.hasFunctionalItem ? functional() : undefined);
    setBusy(false);
    if (result.ok) props.onSaved(result.value);
    // Invalid here means the domain refused complete answers: a bug, reported as a failed save.
    else setFailure(result.error.kind === 'read-only' ? 'read-only' : 'storage');
  };

  const item = (i: number) => {
    const legend = () => `${i + 1}. ${t(textKey(def.itemKeys[i] ?? ''))}`;
    const name = `${props.instrument}-item${i + 1}`;
    if (def.scale.kind === 'nrs-0-10') {
      const anchors = pegAnchorKeys(i);
      return (
        <NrsScale name={name} legend={legend()} value={answers()[i]} onChange={(v) => answer(i, v)} min={def.scale.min} max={def.scale.max}
          anchors={{ low: t(anchors.low), high: t(anchors.high) }} error={errorFor(i)} />
      );
    }
    return (
      <ChoiceGroup name={name} legend={legend()} value={answers()[i]} onChange={(v) => answer(i, v as number)} error={errorFor(i)}
        choices={FREQUENCY_KEYS.map((key, value) => ({ value, label: t(key) }))} />
    );
  };

  return (
    <form ref={form} class="assessment-form" onSubmit={submit} noValidate>
      <p class="assessment-stem">{t(textKey(def.stemKey))}</p>
      <For each={def.itemKeys}>
        {(_key, i) => (
          <>
            <div class="assessment-item" classList={{ 'item-missing': !!errorFor(i()) }}>{item(i())}</div>
            <Show when={props.instrument === 'phq9' && i() === PHQ9_ITEM9_INDEX && crisisShown()}>
              <CrisisPanel intro={t('crisis.panel.item9Intro')} alert focusOnMount>
                <p>{t('crisis.panel.item9Continue')}</p>
              </CrisisPanel>
            </Show>
          </>
        )}
      </For>
      <Show when={def.hasFunctionalItem}>
        <div class="assessment-item">
          <ChoiceGroup name={`${props.instrument}-functional`} legend={t('assessments.phq9.functional')} hint={t('assessments.phq9.functionalHint')}
            value={functional()} onChange={(v) => setFunctional(v as number)}
            choices={FUNCTIONAL_KEYS.map((key, value) => ({ value, label: t(key) }))} />
        </div>
      </Show>
      <Show when={checked() && missing().length > 0}>
        <p class="error assessment-summary" role="alert">{tn('assessments.form.missingSummary', missing().length)}</p>
      </Show>
      <Show when={failure()}>
        <p class="error assessment-summary" role="alert">
          {failure() === 'read-only' ? t('assessments.form.readOnly') : t('assessments.form.saveFailed')}
        </p>
      </Show>
      <div class="actions">
        <button type="submit" class="button primary big" disabled={busy()} aria-disabled={busy() ? 'true' : undefined}>
          {busy() ? t('assessments.form.saving') : t('assessments.form.submit')}
        </button>
      </div>
    </form>
  );
}
