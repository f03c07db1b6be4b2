import { createSignal, Match, Show, Switch } from 'solid-js';
import type { ItemAdherence, PracticeItem } from '../../../domain';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { showToast } from '../../primitives/toast';
import type { PracticeData } from './createPractice';
import { PracticeItemForm } from './PracticeItemForm';
import { PracticeLogForm } from './PracticeLogForm';

type Mode = 'view' | 'log' | 'edit';

/** One active practice: what to do, this week's progress, and one-tap "Done". */
export function PracticeItemCard(props: { item: PracticeItem; adherence?: ItemAdherence; data: PracticeData }) {
  const { t, tn, formatNumber } = useI18n();
  const [mode, setMode] = createSignal<Mode>('view');
  const [busy, setBusy] = createSignal(false);
  const headingId = `practice-item-${props.item.id}`;
  let doneButton!: HTMLButtonElement;
  let detailsButton: HTMLButtonElement | undefined;
  let editButton: HTMLButtonElement | undefined;

  const done = () => props.adherence?.done ?? 0;
  const planned = () => props.adherence?.prescribed ?? props.item.timesPerWeek;

  const toastError = (key: MessageKey) => showToast({ message: t(key), tone: 'error' });

  async function logDone() {
    if (busy()) return;
    setBusy(true);
    const result = await props.data.logDone(props.item);
    setBusy(false);
    if (!result.ok) {
      toastError(result.error.kind === 'message' ? result.error.key : 'practice.errors.saveFailed');
      return;
    }
    const log = result.value;
    showToast({
      message: t('practice.item.logged', { name: props.item.name }),
      action: { label: t('common.undo'), run: async () => { await props.data.remove(log); } },
    });
  }

  async function archive() {
    const result = await props.data.revise(props.item, { archivedAt: new Date().toISOString() });
    if (!result.ok) {
      toastError(result.error.kind === 'message' ? result.error.key : 'practice.errors.saveFailed');
      return;
    }
    const archived = result.value;
    showToast({
      message: t('practice.item.archived', { name: props.item.name }),
      action: { label: t('common.undo'), run: async () => { await props.data.revise(archived, { archivedAt: undefined }); } },
    });
  }

  // Focus goes back to the button that opened the form; it may be a new element after re-render.
  const close = (back: () => HTMLButtonElement | undefined) => {
    setMode('view');
    queueMicrotask(() => (back() ?? doneButton).focus());
  };

  return (
    <li class="card practice-item">
      <Switch>
        <Match when={mode() === 'edit'}>
          <PracticeItemForm data={props.data} item={props.item} onDone={() => close(() => editButton)} />
        </Match>
        <Match when={mode() !== 'edit'}>
          <div class="practice-head">
            <h3 id={headingId}>{props.item.name}</h3>
            <span class="badge">{t(`practice.categories.${props.item.category}` as MessageKey)}</span>
          </div>
          <p class="practice-dose">
            <Show when={props.item.minutes !== undefined}>{t('common.minutes', { n: formatNumber(props.item.minutes!) })} · </Show>
            <Show when={props.item.dose}>{props.item.dose} · </Show>
            {tn('practice.item.perWeek', props.item.timesPerWeek)}
          </p>
          <Show when={props.item.instructions}><p class="practice-instructions">{props.item.instructions}</p></Show>
          <p class="practice-progress">
            <meter min={0} max={planned()} value={Math.min(done(), planned())} aria-hidden="true" />
            <span>{t('practice.item.progress', { done: formatNumber(done()), planned: formatNumber(planned()) })}</span>
          </p>
          <div class="actions">
            <button ref={doneButton} type="button" class="button primary practice-done" disabled={busy()}
              aria-label={t('practice.item.doneLabel', { name: props.item.name })} onClick={logDone}>
              <span aria-hidden="true">✓</span> {t('practice.item.done')}
            </button>
            <button ref={detailsButton} type="button" class="button" aria-expanded={mode() === 'log'}
              aria-label={t('practice.item.logDetailsLabel', { name: props.item.name })}
              onClick={() => setMode(mode() === 'log' ? 'view' : 'log')}>
              {t('practice.item.logDetails')}
            </button>
          </div>
          <Show when={mode() === 'log'}>
            <PracticeLogForm data={props.data} item={props.item} onDone={(saved) => {
              if (saved) showToast({ message: t('practice.log.saved') });
              close(() => detailsButton);
            }} />
          </Show>
          <div class="actions practice-manage">
            <button ref={editButton} type="button" class="button link" aria-label={t('practice.item.editLabel', { name: props.item.name })}
              onClick={() => setMode('edit')}>{t('common.edit')}</button>
            <button type="button" class="button link" aria-label={t('practice.item.archiveLabel', { name: props.item.name })}
              onClick={archive}>{t('practice.item.archive')}</button>
          </div>
        </Match>
      </Switch>
    </li>
  );
}
