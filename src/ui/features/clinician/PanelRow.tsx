import type { JSX } from 'solid-js';
import { DEFAULT_NO_DATA_DAYS } from '../../../domain/red-flags';
import { useI18n } from '../../i18n/i18n';
import type { PanelEntry } from './createPanel';
import { NEED_ICON, NEED_KEY, adherenceWords, dataAsOfWords, pegWords, phq9Words, type ScoreWords } from './panel-text';

/**
 * One patient on the panel: name (the link to their view), need in words, latest PEG and
 * PHQ-9 with their change, last week's practice and how fresh the data is. Plain text and
 * one small SVG: five hundred of these must render in a blink.
 *
 * A row is static: its entry never changes (a changed summary is a new entry, so a new row)
 * and the panel renders its rows again when the language changes. So every text is worked
 * out once, here, and the markup below uses only plain local values: Solid then builds the
 * row from its template without a single reactive computation.
 */
export function PanelRow(props: { entry: PanelEntry; now: Date }) {
  const i18n = useI18n();
  const { t, tn } = i18n;
  const row = props.entry.row;
  const need = row.need;
  const alerts = row.openAlerts.urgent + row.openAlerts.high + row.openAlerts.low;
  const needText = alerts > 0 ? `${t(NEED_KEY[need])} · ${tn('clinician.openAlerts', alerts)}` : t(NEED_KEY[need]);
  // Read with the link, so that a screen reader moving from link to link hears the need too.
  const needId = `need-${encodeURIComponent(row.circleId).replace(/%/g, '_')}`;
  const href = `/patients/${encodeURIComponent(row.circleId)}`;
  const name = row.patientName || t('clinician.panel.unnamed');
  const rowClass = `card panel-row need-${need}`;
  const needClass = `need need-${need}`;
  const icon = NEED_ICON[need];
  const points = props.entry.peg;
  const peg = figure(t('clinician.peg.label'), pegWords(i18n, row.latestPeg), points.length > 1 ? <Sparkline scores={points.map((p) => p.score)} /> : null);
  const phq9 = figure(t('clinician.phq9.label'), phq9Words(i18n, row.latestPhq9), null);
  const adherenceLabel = t('clinician.adherence.label');
  const adherence = adherenceWords(i18n, row.adherence);
  const adherenceClass = need === 'low-adherence' ? 'concern' : undefined;
  const asOfClass = row.daysSinceData !== null && row.daysSinceData >= DEFAULT_NO_DATA_DAYS ? 'panel-asof stale' : 'panel-asof';
  const asOf = dataAsOfWords(i18n, row.dataAsOf, props.now);
  return (
    <li class={rowClass}>
      <div class="panel-row-head">
        <h3 class="panel-name">
          {/* A plain link: the router handles it all the same, without a router component per row. */}
          <a href={href} aria-describedby={needId}>{name}</a>
        </h3>
        <p class={needClass} id={needId}>
          <span class="need-icon" aria-hidden="true">{icon}</span>
          <span>{needText}</span>
        </p>
      </div>
      <dl class="panel-figures">
        {peg}
        {phq9}
        <div class="figure">
          <dt>{adherenceLabel}</dt>
          <dd class={adherenceClass}><strong>{adherence}</strong></dd>
        </div>
      </dl>
      <p class={asOfClass}>{asOf}</p>
    </li>
  );
}

/** One score: its value, the sparkline if any, and the change in words with its arrow. */
function figure(label: string, words: ScoreWords, spark: JSX.Element) {
  const { value, change, arrow } = words;
  const ddClass = words.worse ? 'concern' : undefined;
  const arrowEl = arrow ? <span aria-hidden="true">{`${arrow} `}</span> : null;
  const changeEl = change ? <span class="change">{arrowEl}{change}</span> : null;
  return (
    <div class="figure">
      <dt>{label}</dt>
      <dd class={ddClass}>
        <strong>{value}</strong>
        {spark}
        {changeEl}
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
  const points = xy.map((p) => p.join(',')).join(' ');
  const [cx, cy] = xy[n - 1]!;
  return (
    <svg class="spark" viewBox="0 0 60 18" width="60" height="18" aria-hidden="true">
      <polyline points={points} />
      <circle cx={cx} cy={cy} r="2.2" />
    </svg>
  );
}
