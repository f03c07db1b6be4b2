import { createEffect, createMemo, createSignal, For, Match, onCleanup, Show, Switch, untrack } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { PageTitle } from '../../primitives/PageTitle';
import { useAppData } from '../../app-data';
import { createPanel } from './createPanel';
import { warmFormatters, warmIntl } from './panel-text';
import { PanelRow } from './PanelRow';
import { NotClinician } from './NotClinician';
import { whenIdle } from './idle';
import './clinician.css';

// As soon as this chunk runs (while the route's strings and the rows still load), not in the first row.
setTimeout(() => warmIntl(document.documentElement.lang || 'en'), 0);

/** Rows rendered with the first screen (a desktop window shows about this many; a phone, two or three). */
const FIRST = 6;
/** The longest a slice of rows may take when the browser is not idle (a long task is 50 ms). */
const SLICE_MS = 30;
const GROW_WAIT_MS = 250;

/** /panel: every circle this clinician belongs to, most pressing first. */
export default function PanelPage() {
  const { role } = useAppData();
  return (
    <Show when={role === 'clinician'} fallback={<NotClinician />}>
      <Panel />
    </Show>
  );
}

function Panel() {
  performance.mark('paceline:panel-start');
  const i18n = useI18n();
  const { t, tn } = i18n;
  const panel = createPanel();
  const now = new Date();
  // While the rows are read from IndexedDB (createPanel has started the read) the main thread
  // is free: build the formatters the rows use now, rather than in the first row (a cold Intl
  // formatter costs tens of ms on a slow CPU).
  setTimeout(() => warmFormatters(i18n, now), 0);
  const [limit, setLimit] = createSignal(FIRST);
  const shown = createMemo(() => panel.entries()?.slice(0, limit()) ?? []);

  // The benchmark waits for this mark: the first rows (or the empty state) are in the DOM.
  // Effects run after Solid has inserted what this update rendered.
  let marked = false;
  let disposed = false;
  onCleanup(() => { disposed = true; });
  createEffect(() => {
    if (panel.entries() === undefined || marked) return;
    marked = true;
    performance.mark('paceline:panel-ready');
    // The rest in idle periods, a few rows at a time (a row is a few ms on a slow phone), so
    // that a tap or a scroll never waits behind a long task; on a busy page, a slice of at
    // most SLICE_MS every GROW_WAIT_MS at the latest, so the list still fills.
    const grow = (timeLeft: () => number) => {
      if (disposed) return;
      const total = untrack(() => panel.entries()?.length ?? 0);
      const started = performance.now();
      do setLimit((n) => Math.min(n + 2, total));
      while (untrack(limit) < total && (timeLeft() > 8 || performance.now() - started < SLICE_MS));
      if (untrack(limit) < total) return whenIdle(grow, GROW_WAIT_MS);
      // Once all are shown, any number that arrives later is shown too.
      performance.mark('paceline:panel-all');
      setLimit(Number.POSITIVE_INFINITY);
      panel.fillMissing();
    };
    whenIdle(grow, GROW_WAIT_MS);
  });

  const tally = () => panel.tally();
  return (
    <>
      <PageTitle>{t('clinician.panel.title')}</PageTitle>
      <p>{t('clinician.panel.intro')}</p>
      <Switch fallback={<p role="status">{t('clinician.panel.loading')}</p>}>
        <Match when={panel.failed()}><p class="error" role="alert">{t('clinician.panel.loadFailed')}</p></Match>
        <Match when={panel.entries()?.length === 0}>
          <section class="card soft" aria-labelledby="panel-empty-h">
            <h2 id="panel-empty-h">{t('clinician.panel.empty.heading')}</h2>
            <p>{t('clinician.panel.empty.body')}</p>
          </section>
        </Match>
        <Match when={panel.entries()}>
          {(entries) => (
            <section aria-labelledby="panel-list-h">
              <h2 id="panel-list-h">{t('clinician.panel.listHeading')}</h2>
              <p class="panel-tally">
                <strong>{tn('clinician.panel.count', entries().length)}.</strong>{' '}
                {t('clinician.panel.tally', {
                  urgent: tally().urgent,
                  alerts: tally().high + tally()['low-alert'],
                  worsening: tally().worsening,
                  lowAdherence: tally()['low-adherence'],
                })}
              </p>
              <ul class="plain panel-list">
                {/* Rows are static (see PanelRow): a new language renders them all again. */}
                <Show when={i18n.locale()} keyed>
                  {(_locale) => <For each={shown()}>{(entry) => <PanelRow entry={entry} now={now} />}</For>}
                </Show>
              </ul>
            </section>
          )}
        </Match>
      </Switch>
    </>
  );
}
