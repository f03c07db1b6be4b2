import { For, Show } from 'solid-js';
import type { PracticeItem } from '../../../domain';
import { useI18n } from '../../i18n/i18n';
import { showToast } from '../../primitives/toast';
import type { PracticeData } from './createPractice';

/** Archived practices, folded away; each can be brought back (its history was never gone). */
export function ArchivedPractices(props: { data: PracticeData }) {
  const { t } = useI18n();

  async function unarchive(item: PracticeItem) {
    const result = await props.data.revise(item, { archivedAt: undefined });
    if (!result.ok) {
      showToast({ message: t(result.error.kind === 'message' ? result.error.key : 'practice.errors.saveFailed'), tone: 'error' });
      return;
    }
    showToast({ message: t('practice.item.restored', { name: item.name }) });
  }

  return (
    <Show when={props.data.archived().length > 0}>
      <details class="practice-archived">
        <summary>{t('practice.item.archivedHeading')} ({props.data.archived().length})</summary>
        <p class="hint">{t('practice.item.archivedHint')}</p>
        <ul class="plain">
          <For each={props.data.archived()}>
            {(item) => (
              <li class="row practice-archived-item">
                <span>{item.name}</span>
                <button type="button" class="button" aria-label={t('practice.item.unarchiveLabel', { name: item.name })}
                  onClick={() => unarchive(item)}>{t('practice.item.unarchive')}</button>
              </li>
            )}
          </For>
        </ul>
      </details>
    </Show>
  );
}
