import { Show } from 'solid-js';
import { DEFAULT_NO_DATA_DAYS } from '../../../domain/red-flags';
import { useI18n } from '../../i18n/i18n';
import type { PanelEntry } from './createPanel';
import { NEED_ICON, NEED_KEY, adherenceWords, dataAsOfWords, pegWords, phq9Words, type ScoreWords } from './panel-text';

/**
 * One patient on the panel: name (the link to their view), need in words, latest PEG and
 * PHQ-9 with their change, last week's practice and how fresh the data is. Plain text and
 * one small SVG: five hundred of these must render in a blink.
 */
export function PanelRow(props: { entry: PanelEntry; now: Date }) {
  const i18n = useI18n();
  const { t, tn } = i18n;
  const row = () => props.entry.row;
  const alerts = () => row().openAlerts.urgent + row().openAlerts.high + row().openAlerts.low;
  // Read with the link, so that a screen reader moving from link to link hears the need too.
  const needId = () => `need-${encodeURIComponent(row().circleId).replace(/%/g, '_')}`;
  return (
    <li class={`card panel-row need-${row().need}`}>
      <div class="panel-row-head">
        <h3 class="panel-name">
          {/* A plain link: the router handles it all the same, without a router component per row. */}
          <a href={`/patients/${encodeURIComponent(row().circleId)}`} aria-describedby={needId()}>{row().patientName || t('clinician.panel.unnamed')}</a>
        </h3>
        <p class={`need need-${row().need}`} id={needId()}>
          <span class="need-icon" aria-hidden="true">{NEED_ICON[row().need]}</span>
          <span>
            {t(NEED_KEY[row().need])}
            <Show when={alerts() > 0}>{' · '}{tn('clinician.openAlerts', alerts())}</Show>
          </span>
        </p>
      </div>
      <dl class="panel-figures">
        <Figure label={t('clinician.peg.label')} words={pegWords(i18n, row().latestPeg)} spark={props.entry.pegScores} />
        <Figure label={t('clinician.phq9.label')} words={phq9Words(i18n, row().latestPhq9)} />
        <div class="figure">
          <dt>{t('clinician.adherence.label')}</dt>
          <dd classList={{ concern: row().need === 'low-adherence' }}><strong>{adherenceWords(i18n, row().adherence)}</strong></dd>
        </div>
      </dl>
      <p class="panel-asof" classList={{ stale: row().daysSinceData !== null && row().daysSinceData! >= DEFAULT_NO_DATA_DAYS }}>
        {dataAsOfWords(i18n, row().dataAsOf, props.now)}
      </p>
    </li>
  );
}

function Figure(props: { label: string; words: ScoreWords; spark?: number[] }) {
  return (
    <div class="figure">
      <dt>{props.label}</dt>
      <dd classList={{ concern: props.words.worse }}>
        <strong>{props.words.value}</strong>
        <Show when={props.spark && props.spark.length > 1}><Sparkline scores={props.spark!} /></Show>
        <Show when={props.words.change}>
          <span class="change">
            <Show when={props.words.arrow}><span aria-hidden="true">{props.words.arrow} </span></Show>
            {props.words.change}
          </span>
        </Show>
      </dd>
    </div>
  );
}

/** PEG scores on a 0-10 scale as a tiny line; decoration only (the words carry the trend). */
function Sparkline(props: { scores: number[] }) {
  const W = 60;
  const H = 18;
  const n = props.scores.length;
  const xy = props.scores.map((s, i) => [((i / (n - 1)) * (W - 4) + 2).toFixed(1), (H - 2 - (s / 10) * (H - 4)).toFixed(1)] as const);
  const last = xy[n - 1]!;
  return (
    <svg class="spark" viewBox={`0 0 ${W} ${H}`} width={W} height={H} aria-hidden="true">
      <polyline points={xy.map((p) => p.join(',')).join(' ')} />
      <circle cx={last[0]} cy={last[1]} r="2.2" />
    </svg>
  );
}
