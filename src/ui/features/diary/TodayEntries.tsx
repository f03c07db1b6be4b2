import { For, Show, type Accessor } from 'solid-js';
import { A } from '@solidjs/router';
import type { DiaryEntry } from '../../../domain/records';
import { useI18n, type I18n } from '../../i18n/i18n';
import { showToast } from '../../primitives/toast';
import { createDiary } from './createDiary';
import { storageMessage } from './diary-messages';

const MAX_AREAS = 3;

/** A one-line summary of an entry's details (pain is shown on its own). */
export function entrySummary(e: DiaryEntry, { t, formatNumber }: Pick<I18n, 't' | 'formatNumber'>): string {
  const parts: string[] = [];
  const areas = e.bodyAreas ?? [];
  if (areas.length > 0) {
    const names = areas.slice(0, MAX_AREAS).map((a) => t(`diary.areas.${a}`)).join(', ');
    parts.push(areas.length > MAX_AREAS ? `${names} ${t('diary.list.more', { n: areas.length - MAX_AREAS })}` : names);
  }
  if (e.painQualities?.length) parts.push(e.painQualities.map((q) => t(`diary.qualities.${q}`)).join(', '));
  if (e.triggers?.length) parts.push(e.triggers.map((x) => t(`diary.triggers.${x}`)).join(', '));
  if (e.sleepQuality !== undefined) parts.push(t('diary.list.sleep', { n: e.sleepQuality }));
  if (e.sleepHours !== undefined) parts.push(t('diary.list.sleepHours', { n: formatNumber(e.sleepHours) }));
  if (e.mood !== undefined) parts.push(t('diary.list.mood', { n: e.mood }));
  if (e.fatigue !== undefined) parts.push(t('diary.list.fatigue', { n: e.fatigue }));
  if (e.activity !== undefined) parts.push(t(`diary.activity.${e.activity}`));
  if (e.note || e.helped || e.triggerNote) parts.push(t('diary.list.hasNote'));
  return parts.join(' · ');
}

/** Today's entries, newest first, each with Edit and Delete (undo instead of a confirm step). */
export function TodayEntries(props: { entries: Accessor<DiaryEntry[] | undefined> }) {
  const i18n = useI18n();
  const { t, formatDate } = i18n;
  const diary = createDiary();
  let heading!: HTMLHeadingElement;
  const time = (e: DiaryEntry) => formatDate(e.at, { timeStyle: 'short' });

  // Deleting asks no question: the entry is only marked deleted and Undo brings it back,
  // which is gentler during a flare than a dialog in the way of every deletion.
  const remove = async (e: DiaryEntry) => {
    const result = await diary.remove(e.id);
    // The item is gone from the list; put focus somewhere that still exists.
    heading.focus();
    if (!result.ok) {
      showToast({ message: result.error.kind === 'storage' ? storageMessage(result.error.code, t) : t('diary.errors.saveFailed'), tone: 'error' });
      return;
    }
    showToast({
      message: t('diary.list.deletedToast'),
      action: {
        label: t('common.undo'),
        run: async () => {
          const undone = await diary.restore(e.id);
          if (!undone.ok) showToast({ message: t('diary.errors.undoFailed'), tone: 'error' });
        },
      },
    });
  };

  return (
    <section class="today-entries" aria-labelledby="today-entries-title">
      <h2 id="today-entries-title" ref={heading} tabindex="-1">{t('diary.list.title')}</h2>
      <Show when={props.entries()}>
        {(list) => (
          <Show when={list().length > 0} fallback={<p class="muted">{t('diary.list.empty')}</p>}>
            <ul class="plain entry-list">
              <For each={list()}>
                {(e) => (
                  <li class="entry card">
                    <div class="entry-head">
                      <span class="entry-time">{time(e)}</span>
                      <span class="entry-pain">{t('diary.list.painOutOf', { n: e.painNow })}</span>
                      <Show when={e.enteredBy === 'caregiver'}>
                        <span class="badge">{t('common.enteredByCaregiver')}</span>
                      </Show>
                    </div>
                    <Show when={entrySummary(e, i18n)}>{(s) => <p class="entry-summary">{s()}</p>}</Show>
                    <div class="actions entry-actions">
                      <A class="button" href={`/entry/${e.id}`} aria-label={t('diary.list.editLabel', { time: time(e) })}>{t('common.edit')}</A>
                      <button type="button" class="button" aria-label={t('diary.list.deleteLabel', { time: time(e) })} onClick={() => void remove(e)}>
                        {t('common.delete')}
                      </button>
                    </div>
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
