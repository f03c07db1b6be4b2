import { createSignal, For, Show } from 'solid-js';
import type { PracticeLog } from '../../../domain';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { showToast } from '../../primitives/toast';
import type { PracticeData } from './createPractice';
import { PracticeLogForm } from './PracticeLogForm';

/** The latest practice logs, newest first, each editable and deletable (with undo). */
export function RecentLogs(props: { data: PracticeData }) {
  const { t } = useI18n();
  const [editing, setEditing] = createSignal<string>();
  const logOf = (id: string) => props.data.recent()?.find((l) => l.id === id);

  return (
    <section aria-labelledby="practice-recent-h">
      <h2 id="practice-recent-h">{t('practice.recent.heading')}</h2>
      <Show when={(props.data.recent() ?? []).length > 0} fallback={<p class="muted">{t('practice.recent.empty')}</p>}>
        <ul class="plain practice-logs">
          {/* Keyed by id so a row (and an open edit form) survives the list being re-read. */}
          <For each={(props.data.recent() ?? []).map((l) => l.id)}>
            {(id) => (
              <Show when={logOf(id)}>
                {(log) => <LogRow log={log()} data={props.data} editing={editing() === id} setEditing={setEditing} />}
              </Show>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}

function LogRow(props: { log: PracticeLog; data: PracticeData; editing: boolean; setEditing: (id: string | undefined) => void }) {
  const { t, formatDate, formatNumber } = useI18n();
  let editButton: HTMLButtonElement | undefined;
  const when = () => formatDate(props.log.at, { weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' });
  const labels = () => ({ name: props.log.practiceName, date: when() });

  async function remove() {
    const log = props.log;
    const result = await props.data.remove(log);
    if (!result.ok) {
      showToast({ message: t(result.error.kind === 'message' ? result.error.key : 'practice.errors.saveFailed'), tone: 'error' });
      return;
    }
    showToast({
      message: t('practice.recent.deleted'),
      action: { label: t('common.undo'), run: async () => { await props.data.restore(log); } },
    });
  }

  return (
    <li class="practice-log">
      <Show
        when={!props.editing}
        fallback={
          <PracticeLogForm data={props.data} log={props.log} onDone={(saved) => {
            props.setEditing(undefined);
            if (saved) showToast({ message: t('practice.log.saved') });
            queueMicrotask(() => editButton?.focus());
          }} />
        }
      >
        <div class="practice-log-text">
          <p class="practice-log-title">
            <strong>{props.log.practiceName}</strong>
            <span class={`status status-${props.log.status}`}>{t(`practice.statuses.${props.log.status}` as MessageKey)}</span>
          </p>
          <p class="muted">
            <time datetime={props.log.at}>{when()}</time>
            <Show when={props.log.minutes !== undefined}> · {t('practice.recent.minutes', { n: formatNumber(props.log.minutes!) })}</Show>
            <Show when={props.log.helpfulness !== undefined}> · {t('practice.recent.helped', { n: formatNumber(props.log.helpfulness!) })}</Show>
          </p>
          <Show when={props.log.note}><p class="practice-note">{props.log.note}</p></Show>
        </div>
        <div class="actions">
          <button ref={editButton} type="button" class="button" aria-label={t('practice.recent.editLabel', labels())}
            onClick={() => props.setEditing(props.log.id)}>{t('common.edit')}</button>
          <button type="button" class="button" aria-label={t('practice.recent.deleteLabel', labels())}
            onClick={remove}>{t('common.delete')}</button>
        </div>
      </Show>
    </li>
  );
}
