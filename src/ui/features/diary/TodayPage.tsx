import { createEffect, createSignal, lazy, onCleanup, onMount, Show, Suspense } from 'solid-js';
import { createStore } from 'solid-js/store';
import { useI18n } from '../../i18n/i18n';
import { PageTitle } from '../../primitives/PageTitle';
import { NrsScale } from '../../primitives/NrsScale';
import { showToast } from '../../primitives/toast';
import { createCheckinStatus, createDiary, createPracticeCountToday, createTodayDraft, createTodayEntries } from './createDiary';
import { copyDraft, emptyDraft, hasDetails, isBlankDraft, toLocalInput, type DiaryDraft } from './diary-draft';
import { fieldErrors, storageMessage } from './diary-messages';
import type { FieldErrors } from './DiaryForm';
import { TodayEntries } from './TodayEntries';
import { DueCheckinsCard, PracticeTodayCard } from './TodayCards';
import { TodayPlanSlot } from '../plan/TodayPlanSlot';
import './diary.css';

// The details form (body map and all) loads on first "Add details", not with the landing screen.
const DiaryForm = lazy(() => import('./DiaryForm').then((m) => ({ default: m.DiaryForm })));

/** How long typing rests before the unfinished entry is kept on the device. */
const KEEP_AFTER_MS = 400;

/**
 * The landing screen. Logging pain is two taps (a number, then Save); everything else is
 * behind "Add details". Kept free of Yjs and chart.js: the store loads only when saving.
 *
 * What the person fills in is kept on the device as they go (createTodayDraft), and comes
 * back with a note when the app opens again before it was saved: a phone may close the app
 * in the background at any moment, and a half-written entry is not lost with it.
 */
export default function TodayPage() {
  const { t, formatDate } = useI18n();
  const diary = createDiary();
  const kept = createTodayDraft();
  const entries = createTodayEntries();
  const checkins = createCheckinStatus();
  const practiceCount = createPracticeCountToday();

  const [draft, setDraft] = createStore(emptyDraft());
  const [errors, setErrors] = createSignal<FieldErrors>({});
  const [detailsOpen, setDetailsOpen] = createSignal(false);
  const [saving, setSaving] = createSignal(false);
  /** When the entry brought back from the device was last changed; null once it is saved or discarded. */
  const [restoredFrom, setRestoredFrom] = createSignal<Date | null>(null);
  const [draftUnreadable, setDraftUnreadable] = createSignal(false);
  let form!: HTMLFormElement;

  const openDetails = () => {
    // The time shown starts at "now"; it only counts once the person changes it.
    if (!draft.atTouched) setDraft('at', toLocalInput(new Date()));
    setDetailsOpen(true);
  };

  // Keeping starts once the stored draft was read: a blank form must not drop it first.
  let keeping = false;
  let keepTimer: ReturnType<typeof setTimeout> | undefined;
  const cancelKeep = () => {
    clearTimeout(keepTimer);
    keepTimer = undefined;
  };
  const keepNow = () => {
    if (keepTimer === undefined) return;
    cancelKeep();
    void kept.keep(draft);
  };
  createEffect(() => {
    copyDraft(draft); // every field: any change is kept
    if (!keeping) return;
    cancelKeep();
    keepTimer = setTimeout(keepNow, KEEP_AFTER_MS);
  });
  // Leaving the app (another app, the screen off, a reload) keeps what is typed at once.
  const onHide = () => { if (document.visibilityState === 'hidden') keepNow(); };
  document.addEventListener('visibilitychange', onHide);
  window.addEventListener('pagehide', keepNow);
  onCleanup(() => {
    document.removeEventListener('visibilitychange', onHide);
    window.removeEventListener('pagehide', keepNow);
    keepNow();
  });

  const restore = (value: DiaryDraft) => {
    setDraft(value);
    if (hasDetails(value)) openDetails();
  };
  onMount(() => {
    kept.read().then(
      (found) => {
        // Something typed already (within the moment this took) is newer: it stays.
        if (found.kind === 'found' && !isBlankDraft(found.value) && isBlankDraft(draft)) {
          restore(found.value);
          setRestoredFrom(found.savedAt);
        } else if (found.kind === 'unreadable') setDraftUnreadable(true);
      },
      (e: unknown) => console.error('diary draft could not be read', e),
    ).finally(() => (keeping = true));
  });

  const lastWrittenAt = (at: Date) => {
    const time = formatDate(at, { timeStyle: 'short' });
    return at.toDateString() === new Date().toDateString()
      ? t('diary.draft.whenToday', { time })
      : t('diary.draft.whenOn', { date: formatDate(at) });
  };

  const discard = () => {
    const before = copyDraft(draft);
    cancelKeep();
    setDraft(emptyDraft());
    setErrors({});
    setDetailsOpen(false);
    setRestoredFrom(null);
    void kept.drop();
    showToast({ message: t('diary.draft.discarded'), action: { label: t('common.undo'), run: () => restore(before) } });
  };

  onMount(() => {
    const idle = () => { diary.warm(); void import('./DiaryForm').catch(() => undefined); };
    if ('requestIdleCallback' in window) requestIdleCallback(idle, { timeout: 2000 });
    else setTimeout(idle, 300);
  });

  let ready = false;
  createEffect(() => {
    if (ready || entries() === undefined || checkins() === undefined || practiceCount() === undefined) return;
    ready = true;
    performance.mark('paceline:today-ready');
  });

  const toggleDetails = () => {
    if (detailsOpen()) setDetailsOpen(false);
    else openDetails();
  };

  const save = async (ev: SubmitEvent) => {
    ev.preventDefault();
    if (saving()) return;
    setSaving(true);
    try {
      const result = await diary.save(draft);
      if (!result.ok) {
        if (result.error.kind === 'storage') {
          showToast({ message: storageMessage(result.error.code, t), tone: 'error' });
          return;
        }
        const byField = fieldErrors(result.error.errors, t);
        setErrors(byField);
        if (Object.keys(byField).some((f) => f !== 'painNow')) setDetailsOpen(true);
        // Take the person to the first problem; what they typed stays as it is.
        queueMicrotask(() => form.querySelector<HTMLElement>('[aria-invalid="true"], fieldset.invalid input')?.focus());
        return;
      }
      const entry = result.value;
      // Dropped before the form clears: a reload from here on must not offer it again.
      cancelKeep();
      void kept.drop();
      setErrors({});
      setDraft(emptyDraft());
      setDetailsOpen(false);
      setRestoredFrom(null);
      showToast({
        message: t('diary.today.savedToast', { n: entry.painNow }),
        action: {
          label: t('common.undo'),
          run: async () => {
            const undone = await diary.remove(entry.id);
            if (!undone.ok) showToast({ message: t('diary.errors.undoFailed'), tone: 'error' });
          },
        },
      });
    } finally {
      setSaving(false);
    }
  };

  const hasDetailErrors = () => Object.keys(errors()).some((f) => f !== 'painNow');

  return (
    <div class="today">
      <PageTitle>{t('nav.today')}</PageTitle>
      <form ref={form} class="card log-pain" novalidate onSubmit={save}>
        <Show when={restoredFrom()}>
          {(at) => (
            <div class="draft-note" role="status">
              <p>{t('diary.draft.restored', { when: lastWrittenAt(at()) })}</p>
              <button type="button" class="button" onClick={discard}>{t('diary.draft.discard')}</button>
            </div>
          )}
        </Show>
        <Show when={draftUnreadable()}>
          <p class="error" role="alert">{t('diary.draft.unreadable')}</p>
        </Show>
        <NrsScale
          name="pain-now"
          legend={t('diary.today.painQuestion')}
          hint={t('diary.today.painHint')}
          value={draft.painNow}
          onChange={(v) => {
            setDraft('painNow', v);
            setErrors(({ painNow: _cleared, ...rest }) => rest);
          }}
          anchors={{ low: t('scale.noPain'), mid: t('scale.moderate'), high: t('scale.worst') }}
          error={errors().painNow}
        />
        <button
          type="button"
          class="button details-toggle"
          aria-expanded={detailsOpen()}
          aria-controls="diary-details"
          onClick={toggleDetails}
        >
          <span aria-hidden="true">{detailsOpen() ? '−' : '+'}</span>
          {t('common.moreDetails')}
        </button>
        <div id="diary-details" hidden={!detailsOpen()}>
          <Show when={detailsOpen()}>
            <p class="hint">{t('diary.today.detailsHint')}</p>
            <Suspense fallback={<p role="status">{t('app.loading')}</p>}>
              <DiaryForm draft={draft} setDraft={setDraft} errors={errors()} timeDefaultsToNow />
            </Suspense>
          </Show>
        </div>
        <Show when={hasDetailErrors()}>
          <p class="error" role="alert">{t('validation.fixBelow')}</p>
        </Show>
        <button type="submit" class="button primary big" aria-disabled={saving()}>
          {t('diary.today.savePain')}
        </button>
      </form>
      <TodayEntries entries={entries} />
      <DueCheckinsCard status={checkins} />
      <PracticeTodayCard count={practiceCount} />
      <TodayPlanSlot />
    </div>
  );
}
