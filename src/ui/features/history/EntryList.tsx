import { For, Show } from 'solid-js';
import { A } from '@solidjs/router';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { showToast } from '../../primitives/toast';
import type { PracticeLog } from '../../../domain/records';
import { createHistoryActions, type ListedRecord } from './createHistory';
import { EntryItem } from './EntryItem';
import type { PracticeChanges } from './PracticeLogEditor';

/** The range's entries, newest first, a page at a time; delete with Undo, practice logs edit inline. */
export function EntryList(props: { entries: ListedRecord[]; hasMore: boolean; onShowMore: () => void }) {
  const { t } = useI18n();
  const actions = createHistoryActions();
  let heading!: HTMLHeadingElement;

  async function remove(record: ListedRecord) {
    const result = await actions.remove(record);
    if (!result.ok) {
      showToast({ message: t('history.list.deleteFailed'), tone: 'error' });
      return;
    }
    // The item is gone: put focus somewhere sensible instead of on the page body.
    heading.focus();
    showToast({
      message: t('history.list.deleted', { what: t(`history.kinds.${record.kind}` as MessageKey) }),
      action: {
        label: t('common.undo'),
        run: async () => {
          const back = await actions.restore(record);
          showToast({ message: back.ok ? t('history.list.restored') : t('history.list.restoreFailed'), tone: back.ok ? 'info' : 'error' });
        },
      },
    });
  }

  async function savePractice(log: PracticeLog, changes: PracticeChanges): Promise<boolean | string[]> {
    const result = await actions.revisePractice(log, changes);
    if (result.ok) {
      showToast({ message: t('common.saved') });
      return true;
    }
    if (result.error.kind === 'invalid') {
      return result.error.errors.map((e) => `${e.field}:${t(`validation.${e.code}` as MessageKey, e.params)}`);
    }
    return false;
  }

  return (
    <section class="history-entries" aria-labelledby="history-entries-heading">
      <h2 id="history-entries-heading" ref={heading} tabindex="-1">{t('history.list.heading')}</h2>
      <p class="hint">{t('history.list.checkinNote')}</p>
      <Show when={props.entries.length > 0} fallback={<p>{t('history.list.emptyRange')} <A href="/">{t('history.empty.toToday')}</A></p>}>
        <ul class="plain entry-list">
          <For each={props.entries}>
            {(record) => <EntryItem record={record} busy={actions.busy()} onDelete={remove} onSavePractice={savePractice} />}
          </For>
        </ul>
        <Show when={props.hasMore}>
          <button type="button" class="button big" onClick={() => props.onShowMore()}>{t('history.list.showMore')}</button>
        </Show>
      </Show>
    </section>
  );
}
