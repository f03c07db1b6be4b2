import { createSignal, For, Show } from 'solid-js';
import { A } from '@solidjs/router';
import { useI18n } from '../../i18n/i18n';
import { PageTitle } from '../../primitives/PageTitle';
import { instrumentDef } from '../../../domain/instruments/index';
import { createCheckinOverview, type CheckinRow } from './createAssessments';
import { aboutKey, bandFor, bandKey, formatScore, nameKey, titleKey } from './instrument-text';
import './assessments.css';

/** /checkins: what is due now first, then every questionnaire with its last score and schedule. */
export default function CheckinsPage() {
  const { t } = useI18n();
  const [failed, setFailed] = createSignal(false);
  const overview = createCheckinOverview(() => setFailed(true));
  return (
    <>
      <PageTitle>{t('assessments.list.title')}</PageTitle>
      <p>{t('assessments.list.intro')}</p>
      <Show when={failed()}><p class="error" role="alert">{t('assessments.list.loadFailed')}</p></Show>
      <Show when={overview()}>
        {(o) => (
          <>
            <section aria-labelledby="due-heading">
              <h2 id="due-heading">{t('assessments.list.dueHeading')}</h2>
              <Show when={o().due.length > 0} fallback={<p class="card soft">{t('assessments.list.noneDue')}</p>}>
                <ul class="plain">
                  <For each={o().due}>{(row) => <CheckinCard row={row} due />}</For>
                </ul>
              </Show>
            </section>
            <section aria-labelledby="all-heading">
              <h2 id="all-heading">{t('assessments.list.allHeading')}</h2>
              <ul class="plain">
                <For each={o().all}>{(row) => <CheckinCard row={row} />}</For>
              </ul>
            </section>
          </>
        )}
      </Show>
      <section class="card soft" aria-labelledby="schedule-heading">
        <h2 id="schedule-heading">{t('assessments.list.scheduleHeading')}</h2>
        <p>{t('assessments.list.scheduleText')}</p>
        <div class="actions">
          <A class="button" href="/settings">{t('assessments.list.changeSchedule')}</A>
        </div>
      </section>
    </>
  );
}

/** One questionnaire: what it is for, when it was last done and its score, when it is next due. */
function CheckinCard(props: { row: CheckinRow; due?: boolean }) {
  const { t, tn, formatDate, formatNumber } = useI18n();
  const id = () => props.row.instrument;
  const headingId = () => `checkin-${props.due ? 'due' : 'all'}-${id()}`;
  const day = (d: string | Date) => formatDate(d, { dateStyle: 'medium' });
  const lastScore = (score: number) => {
    const text = t('assessments.score.outOf', { score: formatScore(id(), score, formatNumber), max: instrumentDef(id()).scoreRange.max });
    const band = bandFor(id(), score);
    return band ? `${text} (${t(bandKey(band))})` : text;
  };
  const dueText = () => {
    const due = props.row.due;
    if (!due) return undefined;
    if (due.dueSince === null) return t('assessments.list.neverDone');
    return due.overdueDays === 0 ? t('assessments.list.dueToday') : t('assessments.list.dueSince', { date: day(due.dueSince) });
  };
  return (
    <li class="card checkin-card" classList={{ 'checkin-due': !!props.due }}>
      <h3 id={headingId()}>{t(titleKey(id()))}</h3>
      <Show when={props.due} fallback={<p>{t(aboutKey(id()))}</p>}>
        <p class="checkin-due-text"><strong>{dueText()}</strong></p>
      </Show>
      <Show when={!props.due}>
        <ul class="checkin-facts">
          <Show when={props.row.last} fallback={<li>{t('assessments.list.neverDone')}</li>}>
            {(last) => (
              <>
                <li>{t('assessments.list.lastDone', { date: day(last().at) })}</li>
                <li>{t('assessments.list.lastScore', { score: lastScore(last().score) })}</li>
              </>
            )}
          </Show>
          <Show when={props.row.everyDays} fallback={<li>{t('assessments.list.notScheduled')}</li>}>
            {(n) => <li>{tn('assessments.list.every', n())}</li>}
          </Show>
          <Show when={props.row.due?.dueSince}><li><strong>{dueText()}</strong></li></Show>
          <Show when={props.row.nextDue}>{(next) => <li>{t('assessments.list.nextDue', { date: day(next()) })}</li>}</Show>
        </ul>
      </Show>
      <div class="actions">
        <A class={props.due ? 'button primary' : 'button'} href={`/checkins/${id()}`} aria-label={t('assessments.list.startLabel', { name: t(nameKey(id())) })}>
          {t('assessments.list.start')}
        </A>
      </div>
    </li>
  );
}
