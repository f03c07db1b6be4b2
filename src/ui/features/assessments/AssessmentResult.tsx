import { onMount, Show } from 'solid-js';
import { A } from '@solidjs/router';
import { useI18n } from '../../i18n/i18n';
import { instrumentDef } from '../../../domain/instruments/index';
import { CrisisPanel } from '../crisis/CrisisPanel';
import type { Comparison, SavedAssessment } from './createAssessments';
import { bandKey, formatScore, FULL_VERSION, nameKey } from './instrument-text';

/**
 * What a saved questionnaire means, in plain words: the score, its band (PHQ-9, GAD-7), the
 * screen outcome (PHQ-2, GAD-2), and the change since last time and since the first one.
 * Never a diagnosis. A PHQ-9 with item 9 answered 1-3 keeps the crisis panel on top.
 */
export function AssessmentResult(props: { saved: SavedAssessment }) {
  const { t, tn, formatDate, formatNumber } = useI18n();
  const id = props.saved.record.instrument;
  const def = instrumentDef(id);
  const fmt = (n: number) => formatScore(id, n, formatNumber);
  const full = FULL_VERSION[id];
  let heading!: HTMLHeadingElement;
  // The crisis panel takes focus itself when it is shown; otherwise the result heading does.
  onMount(() => {
    if (!props.saved.urgent) heading.focus();
  });

  const changeWords = (c: Comparison) => {
    const n = Math.abs(c.change.absolute);
    const shown = { n: fmt(n) };
    if (c.change.direction === 'same') return t('assessments.result.same');
    return tn(c.change.direction === 'better' ? 'assessments.result.lower' : 'assessments.result.higher', n, shown);
  };
  const meaningWords = (c: Comparison) => {
    const mcid = def.meaningfulChange;
    if (!mcid || c.change.direction === 'same') return undefined;
    if (mcid.kind === 'relative') return c.change.meaningful ? t('assessments.result.pegMeaningful') : t('assessments.result.pegSmall');
    return c.change.meaningful ? t('assessments.result.meaningful', { points: mcid.points }) : t('assessments.result.small', { points: mcid.points });
  };
  const day = (iso: string) => formatDate(iso, { dateStyle: 'medium' });
  const compareBlock = (label: string, c: Comparison) => (
    <li>
      <p>{label} <strong>{changeWords(c)}</strong>.</p>
      <Show when={meaningWords(c)}>{(m) => <p>{m()}</p>}</Show>
    </li>
  );

  return (
    <>
      <Show when={props.saved.urgent}>
        <CrisisPanel intro={t('crisis.panel.item9Intro')} alert focusOnMount />
      </Show>
      <section class="card assessment-result" aria-labelledby="result-heading">
        <h2 id="result-heading" ref={heading} tabindex="-1">{t('assessments.result.heading')}</h2>
        <p class="result-score">{t('assessments.score.outOf', { score: fmt(props.saved.result.score), max: def.scoreRange.max })}</p>
        <p class="muted">{t('assessments.result.savedAt', { date: formatDate(props.saved.record.at) })}</p>
        <Show when={id === 'peg'}><p>{t('assessments.result.pegExplain')}</p></Show>
        <Show when={props.saved.result.band}>
          {(band) => (
            <>
              <p>{t('assessments.result.band', { band: t(bandKey(band())) })}</p>
              <p class="hint">{t('assessments.result.bandScale')}</p>
            </>
          )}
        </Show>
        <Show when={full && props.saved.result.positiveScreen !== undefined}>
          <Show when={props.saved.result.positiveScreen} fallback={<p>{t('assessments.result.screenNegative')}</p>}>
            <p>{t('assessments.result.screenPositive', { name: t(nameKey(full ?? id)) })}</p>
            <div class="actions">
              <A class="button primary" href={`/checkins/${full ?? id}`}>{t('assessments.result.takeFull', { name: t(nameKey(full ?? id)) })}</A>
            </div>
          </Show>
        </Show>
        <h3>{t('assessments.result.changeHeading')}</h3>
        <Show when={props.saved.previous} fallback={<p>{t('assessments.result.firstTime')}</p>}>
          {(prev) => (
            <ul class="plain result-changes">
              {compareBlock(t('assessments.result.vsPrevious', { date: day(prev().at ?? ''), score: fmt(prev().score) }), prev())}
              <Show when={props.saved.baseline}>
                {(base) => {
                  const b = base();
                  const label = b.at === null
                    ? t('assessments.result.vsBaselineSetting', { score: fmt(b.score) })
                    : t('assessments.result.vsBaseline', { date: day(b.at), score: fmt(b.score) });
                  return compareBlock(label, b);
                }}
              </Show>
            </ul>
          )}
        </Show>
        <p class="hint">{t('assessments.result.lowerIsBetter')}</p>
        <p class="result-note"><strong>{t('assessments.result.notDiagnosis')}</strong></p>
        <div class="actions">
          <A class="button primary" href="/checkins">{t('assessments.result.backToList')}</A>
          <A class="button" href="/history">{t('assessments.result.seeHistory')}</A>
        </div>
      </section>
    </>
  );
}
