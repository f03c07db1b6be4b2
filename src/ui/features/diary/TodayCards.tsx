import { For, Show, type Accessor } from 'solid-js';
import { A } from '@solidjs/router';
import { useI18n } from '../../i18n/i18n';
import type { CheckinStatus } from './createDiary';

/** Check-ins that are due now, each a link to start it; otherwise when the next one is. */
export function DueCheckinsCard(props: { status: Accessor<CheckinStatus | undefined> }) {
  const { t, tn, formatDate } = useI18n();
  return (
    <section class="card soft" aria-labelledby="due-checkins-title">
      <h2 id="due-checkins-title">{t('diary.checkins.title')}</h2>
      <Show when={props.status()}>
        {(s) => (
          <Show
            when={s().due.length > 0}
            fallback={
              <>
                <p>{t('diary.checkins.none')}</p>
                <Show when={s().next}>
                  {(n) => <p class="muted">{t('diary.checkins.next', { name: t(`diary.checkins.names.${n().instrument}`), date: formatDate(n().on, { dateStyle: 'full' }) })}</p>}
                </Show>
              </>
            }
          >
            <ul class="plain checkin-list">
              <For each={s().due}>
                {(d) => (
                  <li>
                    <A class="button checkin-link" href={`/checkins/${d.instrument}`}>{t(`diary.checkins.names.${d.instrument}`)}</A>
                    <span class="muted">
                      {d.dueSince === null
                        ? t('diary.checkins.neverDone')
                        : d.overdueDays === 0
                          ? t('diary.checkins.dueToday')
                          : tn('diary.checkins.overdue', d.overdueDays)}
                    </span>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Show>
    </section>
  );
}

/** How many practices were logged today, with the way to the practice screen. */
export function PracticeTodayCard(props: { count: Accessor<number | undefined> }) {
  const { t, tn } = useI18n();
  return (
    <section class="card soft" aria-labelledby="practice-today-title">
      <h2 id="practice-today-title">{t('diary.practice.title')}</h2>
      <Show when={props.count() !== undefined}>
        <p>{tn('diary.practice.count', props.count() ?? 0)}</p>
      </Show>
      <A class="button" href="/practice">{t('diary.practice.open')}</A>
    </section>
  );
}
