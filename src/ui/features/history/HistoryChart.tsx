import { createEffect, createSignal, For, onCleanup, onMount, Show, type JSX } from 'solid-js';
import type { Chart } from 'chart.js';
import { useI18n } from '../../i18n/i18n';
import type { ChartCtor } from './chart-loader';
import type { ChartSpec, LegendItem } from './chart-spec';
import { chartConfig } from './chart-config';
import { useLazyDraw } from './lazy-draw';

/** One chart as a figure: caption, canvas with a spoken summary, legend, and a table of the same values. */
export function HistoryChart(props: { spec: ChartSpec; Chart: ChartCtor | undefined; failed?: boolean; emptyAction?: JSX.Element }) {
  const { t } = useI18n();
  // Without chart.js (failed to load) the table is the chart.
  const [showTable, setShowTable] = createSignal(!!props.failed);
  const captionId = `chart-${props.spec.id}-caption`;
  const tableId = `chart-${props.spec.id}-table`;
  return (
    <figure class="history-chart" aria-labelledby={captionId}>
      <figcaption id={captionId}>
        <h3>{props.spec.title}</h3>
        <p class="muted">{props.spec.caption}</p>
      </figcaption>
      <Show
        when={!props.spec.empty}
        fallback={<div class="chart-empty card soft"><p>{t('history.chartEmpty')}</p>{props.emptyAction}</div>}
      >
        <Show when={!props.failed}>
          <div class="chart-box">
            <Show when={props.Chart} fallback={<p class="muted">{t('app.loading')}</p>}>
              {(ctor) => <ChartCanvas spec={props.spec} Chart={ctor()} />}
            </Show>
          </div>
        </Show>
        <ul class="plain chart-legend">
          <For each={props.spec.legend}>{(item) => <li><Swatch item={item} />{item.label}</li>}</For>
        </ul>
        <Show when={props.spec.note}><p class="hint">{props.spec.note}</p></Show>
        <button
          type="button"
          class="button"
          aria-expanded={showTable()}
          aria-controls={tableId}
          onClick={() => setShowTable((v) => !v)}
        >
          {showTable() ? t('history.hideTable') : t('history.showTable')}
        </button>
        <div id={tableId} class="chart-table">
          {/* Rendered only when asked for: five years of weeks are hundreds of rows per chart. */}
          <Show when={showTable()}>
            <table>
              <caption>{props.spec.title}</caption>
              <thead><tr><For each={props.spec.table.columns}>{(c) => <th scope="col">{c}</th>}</For></tr></thead>
              <tbody>
                <For each={props.spec.table.rows}>
                  {(row) => <tr><For each={row}>{(cell, i) => (i() === 0 ? <th scope="row">{cell}</th> : <td>{cell}</td>)}</For></tr>}
                </For>
              </tbody>
            </table>
          </Show>
        </div>
      </Show>
    </figure>
  );
}

function Swatch(props: { item: LegendItem }) {
  return <span class={`swatch ${props.item.style}`} style={{ '--swatch': props.item.color }} aria-hidden="true" />;
}

/**
 * The canvas and its chart.js instance: drawn once near the screen, updated in place when
 * data changes, destroyed on unmount.
 */
function ChartCanvas(props: { spec: ChartSpec; Chart: ChartCtor }) {
  const i18n = useI18n();
  const lazy = useLazyDraw();
  let canvas!: HTMLCanvasElement;
  let chart: Chart | undefined;
  const [near, setNear] = createSignal(!lazy);
  lazy?.expect();
  onMount(() => {
    if (lazy) onCleanup(lazy.watch(canvas, () => setNear(true)));
  });
  createEffect(() => {
    if (!near()) return;
    const config = chartConfig(props.spec, i18n);
    i18n.locale(); // tick labels are formatted in the current locale
    if (chart && (chart.config as { type?: string }).type === config.type) {
      chart.data = config.data;
      chart.options = config.options ?? {};
      chart.update('none');
    } else {
      chart?.destroy();
      chart = new props.Chart(canvas, config);
    }
  });
  onCleanup(() => {
    chart?.destroy();
    chart = undefined;
  });
  return <canvas ref={canvas} role="img" aria-label={props.spec.summary} />;
}
