/** Turns History's data into chart specs (pure apart from the translator passed in). */
import { dailyMeans, localDay, changeFromBaseline } from '../../../domain/trends';
import { scoreResponse } from '../../../domain/instruments';
import type { AssessmentResponse, InstrumentId } from '../../../domain/records';
import type { WeekRow } from '../../../storage/db';
import type { I18n, MessageKey } from '../../i18n/i18n';
import type { ChartData } from './createHistory';
import { dayDate, dayNumber, type ChartSpec, type Point } from './chart-spec';
import type { Band } from './chart-loader';
import type { RangeBounds } from './history-range';
import { DAY_TICK, ONE_DECIMAL } from './history-formats';

export type Fmt = Pick<I18n, 't' | 'formatNumber' | 'formatDate'>;

export const COLORS = {
  pain: '#1d5c63',
  peg: '#1d5c63',
  baseline: '#4a5659',
  pegBand: 'rgba(29, 92, 99, 0.13)',
  phq9: '#3d3a8c',
  gad7: '#7a2e5c',
  sleep: '#4b3b8f',
  hours: '#8a4b00',
  done: '#1d5c63',
  logged: '#9fb6b8',
  loggedBorder: '#4a5659',
} as const;

const BAND_FILLS = {
  minimal: '#e5f1e4',
  mild: '#fbf1c7',
  moderate: '#fddfbe',
  'moderately-severe': '#f9cdbf',
  severe: '#f3b9b9',
} as const;

type BandId = keyof typeof BAND_FILLS;
const BAND_KEY: Record<BandId, MessageKey> = {
  minimal: 'history.bands.minimal',
  mild: 'history.bands.mild',
  moderate: 'history.bands.moderate',
  'moderately-severe': 'history.bands.moderatelySevere',
  severe: 'history.bands.severe',
};
const BANDS: Record<'phq9' | 'gad7', [BandId, number, number][]> = {
  phq9: [['minimal', 0, 4], ['mild', 5, 9], ['moderate', 10, 14], ['moderately-severe', 15, 19], ['severe', 20, 27]],
  gad7: [['minimal', 0, 4], ['mild', 5, 9], ['moderate', 10, 14], ['severe', 15, 21]],
};

const one = (f: Fmt, n: number) => f.formatNumber(n, ONE_DECIMAL);
const dayLabel = (f: Fmt, day: number) => f.formatDate(dayDate(day), { dateStyle: 'medium', timeZone: 'UTC' });
const weekLabel = (f: Fmt, week: string) => f.t('history.table.weekOf', { date: dayLabel(f, dayNumber(week)) });

/**
 * The table of a chart, built the first time it is read: it is shown only when asked for, and
 * formatting a label per row (hundreds of weeks over five years) is most of a spec's cost.
 */
function withTable(spec: Omit<ChartSpec, 'table'>, build: () => ChartSpec['table']): ChartSpec {
  let table: ChartSpec['table'] | undefined;
  return Object.defineProperty(spec, 'table', { get: () => (table ??= build()), enumerable: true, configurable: true }) as ChartSpec;
}

function period(f: Fmt, range: RangeBounds): string {
  return f.t(`history.period.${range.id}` as MessageKey);
}

/** "Pain: average 5.2 over the last 4 weeks, from 6.1 to 4.8." */
function summarise(f: Fmt, name: string, range: RangeBounds, values: number[]): string {
  if (values.length === 0) return f.t('history.summary.none', { name, period: period(f, range) });
  if (values.length === 1) return f.t('history.summary.one', { name, value: one(f, values[0]!), period: period(f, range) });
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return f.t('history.summary.many', {
    name, mean: one(f, mean), period: period(f, range), first: one(f, values[0]!), last: one(f, values[values.length - 1]!),
  });
}

function xRange(range: RangeBounds, points: Point[], now: Date): { min: number; max: number } {
  const today = dayNumber(localDay(now.toISOString())!);
  const first = range.from ? dayNumber(localDay(range.from)!) : Math.min(...points.map((p) => p.x), today - 7);
  // Half a day of room each side so the first and last points are drawn whole.
  return { min: first - 0.5, max: Math.max(today, ...points.map((p) => p.x)) + 0.5 };
}

/** Weekly means from week rows for one of the summed fields. */
function weekly(weeks: WeekRow[], sum: 'painSum' | 'sleepSum', n: 'painN' | 'sleepN'): { week: string; mean: number; n: number }[] {
  return weeks.filter((w) => w[n] > 0).map((w) => ({ week: w.week, mean: w[sum] / w[n], n: w[n] }));
}

export function painChart(f: Fmt, data: ChartData, range: RangeBounds, now: Date): ChartSpec {
  const rows = data.grain === 'day'
    ? dailyMeans(data.diary.map((d) => ({ at: d.at, value: d.painNow }))).map((d) => ({ x: dayNumber(d.day), y: d.mean, n: d.n }))
    : weekly(data.weeks, 'painSum', 'painN').map((w) => ({ x: dayNumber(w.week), y: w.mean, week: w.week, n: w.n }));
  const rowLabel = (r: { x: number; week?: string }) => (r.week !== undefined ? weekLabel(f, r.week) : dayLabel(f, r.x));
  const name = f.t('history.pain.series');
  const points = rows.map(({ x, y }) => ({ x, y }));
  return withTable({
    id: 'pain', type: 'line',
    title: f.t('history.pain.title'),
    caption: f.t(data.grain === 'day' ? 'history.pain.captionDaily' : 'history.pain.captionWeekly'),
    series: [{ label: name, points, color: COLORS.pain, pointStyle: 'circle' }],
    x: xRange(range, points, now),
    y: { min: 0, max: 10, step: 2, title: f.t('history.pain.axis') },
    legend: [{ label: name, color: COLORS.pain, style: 'line' }],
    summary: summarise(f, name, range, points.map((p) => p.y)),
    empty: points.length === 0,
  }, () => ({
    columns: [f.t(data.grain === 'day' ? 'history.table.date' : 'history.table.week'), name, f.t('history.table.entries')],
    rows: rows.map((r) => [rowLabel(r), one(f, r.y), f.formatNumber(r.n)]),
  }));
}

export function sleepChart(f: Fmt, data: ChartData, range: RangeBounds, now: Date): ChartSpec {
  const quality = f.t('history.sleep.quality');
  const hoursName = f.t('history.sleep.hours');
  if (data.grain === 'week') {
    const rows = weekly(data.weeks, 'sleepSum', 'sleepN');
    const points = rows.map((w) => ({ x: dayNumber(w.week), y: w.mean }));
    return withTable({
      id: 'sleep', type: 'line', title: f.t('history.sleep.title'), caption: f.t('history.sleep.captionWeekly'),
      series: [{ label: quality, points, color: COLORS.sleep, pointStyle: 'rectRot' }],
      x: xRange(range, points, now),
      y: { min: 0, max: 10, step: 2, title: f.t('history.sleep.axis') },
      legend: [{ label: quality, color: COLORS.sleep, style: 'line' }],
      summary: summarise(f, quality, range, points.map((p) => p.y)),
      empty: points.length === 0,
    }, () => ({ columns: [f.t('history.table.week'), quality], rows: rows.map((w) => [weekLabel(f, w.week), one(f, w.mean)]) }));
  }
  const q = dailyMeans(data.diary.filter((d) => d.sleepQuality !== undefined).map((d) => ({ at: d.at, value: d.sleepQuality! })));
  const h = dailyMeans(data.diary.filter((d) => d.sleepHours !== undefined).map((d) => ({ at: d.at, value: d.sleepHours! })));
  const qPoints = q.map((d) => ({ x: dayNumber(d.day), y: d.mean }));
  const hPoints = h.map((d) => ({ x: dayNumber(d.day), y: d.mean }));
  const days = [...new Set([...q.map((d) => d.day), ...h.map((d) => d.day)])].sort();
  const qBy = new Map(q.map((d) => [d.day, d.mean]));
  const hBy = new Map(h.map((d) => [d.day, d.mean]));
  const hasHours = hPoints.length > 0;
  const summary = summarise(f, quality, range, qPoints.map((p) => p.y))
    + (hasHours ? ' ' + summarise(f, hoursName, range, hPoints.map((p) => p.y)) : '');
  return withTable({
    id: 'sleep', type: 'line', title: f.t('history.sleep.title'), caption: f.t('history.sleep.captionDaily'),
    series: [
      { label: quality, points: qPoints, color: COLORS.sleep, pointStyle: 'rectRot' },
      ...(hasHours ? [{ label: hoursName, points: hPoints, color: COLORS.hours, dashed: true, pointStyle: 'triangle' as const, axis: 'y2' as const }] : []),
    ],
    x: xRange(range, [...qPoints, ...hPoints], now),
    y: { min: 0, max: 10, step: 2, title: f.t('history.sleep.axis') },
    ...(hasHours ? { y2: { min: 0, max: 12, step: 2, title: f.t('history.sleep.hoursAxis') } } : {}),
    legend: [
      { label: quality, color: COLORS.sleep, style: 'line' as const },
      ...(hasHours ? [{ label: hoursName, color: COLORS.hours, style: 'dashed' as const }] : []),
    ],
    summary,
    empty: days.length === 0,
  }, () => ({
    columns: [f.t('history.table.date'), quality, ...(hasHours ? [hoursName] : [])],
    rows: days.map((d) => [
      dayLabel(f, dayNumber(d)),
      qBy.has(d) ? one(f, qBy.get(d)!) : f.t('history.table.noValue'),
      ...(hasHours ? [hBy.has(d) ? one(f, hBy.get(d)!) : f.t('history.table.noValue')] : []),
    ]),
  }));
}

function responsesOf(data: ChartData, instrument: InstrumentId): { r: AssessmentResponse; score: number; band: BandId | null }[] {
  return data.assessments
    .filter((a) => a.instrument === instrument)
    .map((r) => {
      // Readers re-score from the answers (the stored score is what it was when saved).
      const scored = scoreResponse(r.instrument, r.answers);
      return { r, score: scored.ok ? scored.value.score : r.score, band: scored.ok ? scored.value.band : null };
    });
}

const pointOf = (r: AssessmentResponse, y: number): Point => ({ x: dayNumber(localDay(r.at)!), y });

export function pegChart(f: Fmt, data: ChartData, range: RangeBounds, now: Date): ChartSpec {
  const rows = responsesOf(data, 'peg');
  const points = rows.map(({ r, score }) => pointOf(r, score));
  const name = f.t('history.peg.series');
  const base = data.pegBaseline;
  const legend: ChartSpec['legend'] = [{ label: name, color: COLORS.peg, style: 'line' }];
  if (base !== undefined) {
    legend.push({ label: f.t('history.peg.baseline', { score: one(f, base) }), color: COLORS.baseline, style: 'dashed' });
    legend.push({ label: f.t('history.peg.bandLegend'), color: COLORS.pegBand, style: 'box' });
  }
  const changeText = (score: number) => {
    if (base === undefined) return f.t('history.table.noValue');
    const c = changeFromBaseline('peg', base, score);
    const pct = c.relative === null ? '' : f.formatNumber(c.relative, { style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero' }) + ' ';
    if (c.direction === 'same') return f.t('history.peg.changeNone');
    const words = !c.meaningful ? f.t('history.peg.changeSmall') : c.direction === 'better' ? f.t('history.peg.changeBetter') : f.t('history.peg.changeWorse');
    return `${pct}${words}`;
  };
  return withTable({
    id: 'peg', type: 'line', title: f.t('history.peg.title'), caption: f.t('history.peg.caption'),
    series: [{ label: name, points, color: COLORS.peg, pointStyle: 'circle' }],
    x: xRange(range, points, now),
    y: { min: 0, max: 10, step: 2, title: f.t('history.peg.axis') },
    ...(base !== undefined ? {
      bands: [{ from: Math.max(0, base * 0.7), to: Math.min(10, base * 1.3), fill: COLORS.pegBand }],
      line: { value: base, color: COLORS.baseline },
    } : {}),
    legend,
    ...(base !== undefined ? { note: f.t('history.peg.note') } : {}),
    summary: summarise(f, name, range, points.map((p) => p.y))
      + (base !== undefined ? ' ' + f.t('history.peg.summaryBaseline', { score: one(f, base) }) : ''),
    empty: points.length === 0,
  }, () => ({
    columns: [f.t('history.table.date'), name, f.t('history.peg.change')],
    rows: rows.map(({ r, score }) => [f.formatDate(r.at, { dateStyle: 'medium' }), one(f, score), changeText(score)]),
  }));
}

export function bandedChart(f: Fmt, data: ChartData, range: RangeBounds, now: Date, instrument: 'phq9' | 'gad7'): ChartSpec {
  const rows = responsesOf(data, instrument);
  const points = rows.map(({ r, score }) => pointOf(r, score));
  const name = f.t(`history.${instrument}.series`);
  const max = instrument === 'phq9' ? 27 : 21;
  const bandLabel = (id: BandId) => f.t(BAND_KEY[id]);
  const bands: Band[] = BANDS[instrument].map(([id, lo, hi]) => ({
    // Integer totals: a band covers its lowest score to just under the next band's.
    from: lo === 0 ? 0 : lo - 0.5, to: hi === max ? max : hi + 0.5, fill: BAND_FILLS[id], label: bandLabel(id),
  }));
  const latest = rows[rows.length - 1];
  return withTable({
    id: instrument, type: 'line', title: f.t(`history.${instrument}.title`), caption: f.t(`history.${instrument}.caption`),
    series: [{ label: name, points, color: COLORS[instrument], pointStyle: 'circle' }],
    x: xRange(range, points, now),
    y: { min: 0, max, step: 5, title: f.t('history.table.score') },
    bands,
    legend: [
      { label: name, color: COLORS[instrument], style: 'line' },
      ...BANDS[instrument].map(([id, lo, hi]) => ({ label: f.t('history.bands.range', { band: bandLabel(id), from: lo, to: hi }), color: BAND_FILLS[id], style: 'box' as const })),
    ],
    summary: summarise(f, name, range, points.map((p) => p.y))
      + (latest?.band ? ' ' + f.t('history.summary.latestBand', { band: bandLabel(latest.band) }) : ''),
    empty: points.length === 0,
  }, () => ({
    columns: [f.t('history.table.date'), f.t('history.table.score'), f.t('history.table.band')],
    rows: rows.map(({ r, score, band }) => [f.formatDate(r.at, { dateStyle: 'medium' }), f.formatNumber(score), band ? bandLabel(band) : f.t('history.table.noValue')]),
  }));
}

export function practiceChart(f: Fmt, data: ChartData, range: RangeBounds): ChartSpec {
  const weeks = data.weeks.filter((w) => w.practiceLogged > 0);
  const done = f.t('history.practice.done');
  const logged = f.t('history.practice.logged');
  const labels = weeks.map((w) => f.formatDate(dayDate(dayNumber(w.week)), DAY_TICK));
  const sumDone = weeks.reduce((a, w) => a + w.practiceDone, 0);
  const sumLogged = weeks.reduce((a, w) => a + w.practiceLogged, 0);
  return withTable({
    id: 'practice', type: 'bar', title: f.t('history.practice.title'), caption: f.t('history.practice.caption'),
    categories: labels,
    series: [
      { label: logged, points: weeks.map((w, i) => ({ x: i, y: w.practiceLogged })), color: COLORS.loggedBorder, fill: COLORS.logged },
      { label: done, points: weeks.map((w, i) => ({ x: i, y: w.practiceDone })), color: COLORS.done, fill: COLORS.done },
    ],
    y: { min: 0, max: Math.max(7, ...weeks.map((w) => w.practiceLogged)), title: f.t('history.practice.axis') },
    legend: [{ label: logged, color: COLORS.logged, style: 'box' }, { label: done, color: COLORS.done, style: 'box' }],
    summary: weeks.length === 0
      ? f.t('history.summary.none', { name: f.t('history.practice.title'), period: period(f, range) })
      : f.t('history.practice.summary', { done: sumDone, logged: sumLogged, weeks: weeks.length, period: period(f, range) }),
    empty: weeks.length === 0,
  }, () => ({
    columns: [f.t('history.table.week'), logged, done],
    rows: weeks.map((w) => [weekLabel(f, w.week), f.formatNumber(w.practiceLogged), f.formatNumber(w.practiceDone)]),
  }));
}
