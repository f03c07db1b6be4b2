import { createSignal, Match, Show, Switch } from 'solid-js';
import { createStore } from 'solid-js/store';
import { A, useNavigate, useParams } from '@solidjs/router';
import type { DiaryEntry } from '../../../domain/records';
import { useI18n } from '../../i18n/i18n';
import { PageTitle } from '../../primitives/PageTitle';
import { NrsScale } from '../../primitives/NrsScale';
import { showToast } from '../../primitives/toast';
import { createDiary, createEntry } from './createDiary';
import { draftFromEntry } from './diary-draft';
import { fieldErrors, storageMessage } from './diary-messages';
import { DiaryForm, type FieldErrors } from './DiaryForm';
import './diary.css';

/** Edit one diary entry: the same form as Today's details, filled in. */
export default function EditEntryPage() {
  const { t } = useI18n();
  const params = useParams<{ id: string }>();
  const loaded = createEntry(() => params.id);
  const diary = createDiary();
  const [busy, setBusy] = createSignal(false);

  const restore = async (id: string) => {
    if (busy()) return;
    setBusy(true);
    const result = await diary.restore(id);
    setBusy(false);
    showToast(result.ok ? { message: t('diary.edit.restoredToast') } : { message: t('diary.errors.undoFailed'), tone: 'error' });
  };

  return (
    <div class="edit-entry">
      <PageTitle>{t('diary.edit.title')}</PageTitle>
      <Switch>
        <Match when={loaded() === undefined}>
          <p role="status">{t('diary.edit.loading')}</p>
        </Match>
        <Match when={loaded()?.entry === null}>
          <section class="card" aria-labelledby="entry-missing">
            <h2 id="entry-missing">{t('diary.edit.notFoundTitle')}</h2>
            <p>{t('diary.edit.notFound')}</p>
            <A class="button primary" href="/">{t('diary.edit.back')}</A>
          </section>
        </Match>
        <Match when={loaded()?.entry?.deletedAt ? loaded()?.entry : undefined}>
          {(entry) => (
            <section class="card" aria-labelledby="entry-deleted">
              <h2 id="entry-deleted">{t('diary.edit.deletedTitle')}</h2>
              <p>{t('diary.edit.deleted')}</p>
              <div class="actions">
                <button type="button" class="button" onClick={() => void restore(entry().id)}>{t('diary.edit.restore')}</button>
                <A class="button primary" href="/">{t('diary.edit.back')}</A>
              </div>
            </section>
          )}
        </Match>
        <Match when={loaded()?.entry}>{(entry) => <EditForm entry={entry()} />}</Match>
      </Switch>
    </div>
  );
}

/** The form itself; filled once, so a live update elsewhere never wipes what is being typed. */
function EditForm(props: { entry: DiaryEntry }) {
  const { t, formatDate } = useI18n();
  const navigate = useNavigate();
  const diary = createDiary();
  const [draft, setDraft] = createStore(draftFromEntry(props.entry));
  const [errors, setErrors] = createSignal<FieldErrors>({});
  const [busy, setBusy] = createSignal(false);
  let form!: HTMLFormElement;

  const save = async (ev: SubmitEvent) => {
    ev.preventDefault();
    if (busy()) return;
    setBusy(true);
    const result = await diary.revise(props.entry, draft);
    setBusy(false);
    if (!result.ok) {
      if (result.error.kind === 'storage') return void showToast({ message: storageMessage(result.error.code, t), tone: 'error' });
      setErrors(fieldErrors(result.error.errors, t));
      queueMicrotask(() => form.querySelector<HTMLElement>('[aria-invalid="true"], fieldset.invalid input')?.focus());
      return;
    }
    showToast({ message: t('diary.edit.savedToast') });
    navigate('/');
  };

  const remove = async () => {
    if (busy()) return;
    setBusy(true);
    const id = props.entry.id;
    const result = await diary.remove(id);
    setBusy(false);
    if (!result.ok) return void showToast({ message: result.error.kind === 'storage' ? storageMessage(result.error.code, t) : t('diary.errors.saveFailed'), tone: 'error' });
    showToast({
      message: t('diary.list.deletedToast'),
      action: {
        label: t('common.undo'),
        run: async () => {
          const undone = await diary.restore(id);
          if (!undone.ok) showToast({ message: t('diary.errors.undoFailed'), tone: 'error' });
        },
      },
    });
    navigate('/');
  };

  return (
    <form ref={form} novalidate onSubmit={save}>
      <p class="meta">
        <span>{formatDate(props.entry.at, { dateStyle: 'full', timeStyle: 'short' })}</span>
        <Show when={props.entry.enteredBy === 'caregiver'}>
          <span class="badge">{t('common.enteredByCaregiver')}</span>
        </Show>
      </p>
      <NrsScale
        name="edit-pain"
        legend={t('diary.edit.pain')}
        hint={t('diary.edit.painHint')}
        value={draft.painNow}
        onChange={(v) => setDraft('painNow', v)}
        anchors={{ low: t('scale.noPain'), mid: t('scale.moderate'), high: t('scale.worst') }}
        error={errors().painNow}
      />
      <DiaryForm draft={draft} setDraft={setDraft} errors={errors()} />
      <Show when={Object.keys(errors()).length > 0}>
        <p class="error" role="alert">{t('validation.fixBelow')}</p>
      </Show>
      <div class="actions">
        <button type="submit" class="button primary big">{t('common.save')}</button>
        <A class="button" href="/">{t('common.cancel')}</A>
        <button type="button" class="button danger" onClick={() => void remove()}>{t('common.delete')}</button>
      </div>
    </form>
  );
}
