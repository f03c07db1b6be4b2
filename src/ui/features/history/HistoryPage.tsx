import { createEffect, createMemo, createSignal, on, Show } from 'solid-js';
import { A } from '@solidjs/router';
import { PageTitle } from '../../primitives/PageTitle';
import { ChoiceGroup } from '../../primitives/ChoiceGroup';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { createChartData, createEntries, createHasAnyEntry, type ChartData, type ListedRecord } from './createHistory';
import { RANGES, rangeBounds, type RangeId } from './history-range';
import { loadChart, type ChartCtor } from './chart-loader';
import { HistoryCharts } from './HistoryCharts';
import { EntryList } from './EntryList';
import { createLazyDraw, LazyDrawContext } from './lazy-draw';
import './history.css';

const PAGE = 30;
/** Entries rendered with the first screen; the rest of the page follows in the first idle period. */
const FIRST = 6;

/** History: charts of pain, check-ins, sleep and practice over a chosen range, then the entries. */
export default function HistoryPage() {
  const { t } = useI18n();
  const [rangeId, setRangeId] = createSignal<RangeId>('weeks4');
  const range = createMemo(() => rangeBounds(rangeId()));
  const [limit, setLimit] = createSignal(PAGE);
  createEffect(on(rangeId, () => setLimit(PAGE), { defer: true }));

  // Keep showing the previous data while a new range loads, instead of flashing empty.
  const chartRaw = createChartData(range);
  const chartData = createMemo<ChartData | undefined>((prev) => chartRaw() ?? prev);
  const entriesRaw = createEntries(range, limit);
  const entries = createMemo<ListedRecord[] | undefined>((prev) => stableRecords(entriesRaw(), prev));
  const hasAny = createHasAnyEntry();

  const [Chart, setChart] = createSignal<ChartCtor>();
  const [chartFailed, setChartFailed] = createSignal(false);
  loadChart().then((c) => setChart(() => c), (e: unknown) => {
    console.error('charts failed to load', e);
    setChartFailed(true);
  });

  const lazy = createLazyDraw();
  // The benchmark waits for this mark: the charts on screen drawn (the others draw as they
  // scroll into view) and the list rendered, or the empty state shown; once per range so
  // that switching to five years is measured too.
  let markedFor: unknown;
  let scheduled = false;
  createEffect(() => {
    // Every dependency is read on every run, so a chart that registers late re-runs this.
    const r = range();
    const shownAll = hasAny() === false
      || (chartData()?.range === r && entries() !== undefined && (Chart() !== undefined || chartFailed()) && lazy.ready());
    if (!shownAll || markedFor === r || scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      // A chart that mounted after this was scheduled is not drawn yet: its first observation re-runs the effect.
      if (markedFor === range() || !lazy.ready()) return;
      markedFor = range();
      performance.mark('paceline:history-ready');
      lazy.drawRestWhenIdle();
      whenIdle(() => setFirstScreenOnly(false));
    });
  });

  // The list sits below the charts: its first few items come with the first screen, the rest
  // right after, so the charts on screen are not held up by thirty list items.
  const [firstScreenOnly, setFirstScreenOnly] = createSignal(true);
  const shown = () => entries()?.slice(0, firstScreenOnly() ? Math.min(FIRST, limit()) : limit()) ?? [];
  const rangeEmpty = () => {
    const d = chartData();
    return entries()?.length === 0 && d !== undefined && d.weeks.length === 0 && d.assessments.length === 0;
  };

  return (
    <LazyDrawContext.Provider value={lazy}>
      <PageTitle>{t('history.title')}</PageTitle>
      <Show when={hasAny() !== undefined} fallback={<p class="muted">{t('app.loading')}</p>}>
        <Show when={hasAny()} fallback={<EmptyHistory />}>
          <p>{t('history.intro')}</p>
          <ChoiceGroup
            name="history-range"
            legend={t('history.range.legend')}
            layout="wrap"
            choices={RANGES.map((r) => ({ value: r, label: t(`history.range.${r}` as MessageKey) }))}
            value={rangeId()}
            onChange={(v) => setRangeId(v as RangeId)}
          />
          <Show when={range().grain === 'week'}><p class="hint">{t('history.weeklyNote')}</p></Show>
          <Show when={!rangeEmpty()} fallback={<RangeEmpty />}>
            <Show when={chartData()}>
              {(d) => <HistoryCharts data={d()} Chart={Chart()} failed={chartFailed()} />}
            </Show>
            <Show when={entries()}>
              <EntryList entries={shown()} hasMore={(entries()?.length ?? 0) > limit()} onShowMore={() => setLimit((n) => n + PAGE)} />
            </Show>
          </Show>
        </Show>
      </Show>
    </LazyDrawContext.Provider>
  );
}

function whenIdle(fn: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(fn, { timeout: 1000 });
  else setTimeout(fn, 50);
}

/** Same object for a record that did not change, so list items (and an open editor) survive a refresh. */
function stableRecords(next: ListedRecord[] | undefined, prev: ListedRecord[] | undefined): ListedRecord[] | undefined {
  if (!next) return prev;
  if (!prev) return next;
  const byId = new Map(prev.map((r) => [r.id, r]));
  return next.map((r) => {
    const old = byId.get(r.id);
    return old && old.updatedAt === r.updatedAt ? old : r;
  });
}

function EmptyHistory() {
  const { t } = useI18n();
  return (
    <section class="card soft history-empty" aria-labelledby="history-empty-heading">
      <h2 id="history-empty-heading">{t('history.empty.heading')}</h2>
      <p>{t('history.empty.body')}</p>
      <p>{t('history.empty.how')}</p>
      <div class="actions">
        <A class="button primary" href="/">{t('history.empty.toToday')}</A>
        <A class="button" href="/checkins">{t('history.empty.toCheckins')}</A>
      </div>
    </section>
  );
}

function RangeEmpty() {
  const { t } = useI18n();
  return (
    <section class="card soft" aria-labelledby="history-range-empty">
      <h2 id="history-range-empty">{t('history.rangeEmpty.heading')}</h2>
      <p>{t('history.rangeEmpty.body')}</p>
      <div class="actions"><A class="button" href="/">{t('history.empty.toToday')}</A></div>
    </section>
  );
}
