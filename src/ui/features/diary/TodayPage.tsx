import { createEffect, createSignal, lazy, onMount, Show, Suspense } from 'solid-js';
import { createStore } from 'solid-js/store';
import { useI18n } from '../../i18n/i18n';
import { PageTitle } from '../../primitives/PageTitle';
import { NrsScale } from '../../primitives/NrsScale';
import { showToast } from '../../primitives/toast';
import { createCheckinStatus, createDiary, createPracticeCountToday, createTodayEntries } from './createDiary';
import { emptyDraft, toLocalInput } from './diary-draft';
import { fieldErrors, storageMessage } from './diary-messages';
import type { FieldErrors } from './DiaryForm';
import { TodayEntries } from './TodayEntries';
import { DueCheckinsCard, PracticeTodayCard } from './TodayCards';
import { TodayPlanSlot } from '../plan/TodayPlanSlot';
import './diary.css';

// The details form (body map and all) loads on first "Add details", not with the landing screen.
const DiaryForm = lazy(() => import('./DiaryForm').then((m) => ({ default: m.DiaryForm })));

/**
 * The landing screen. Logging pain is two taps (a number, then Save); everything else is
 * behind "Add details". Kept free of Yjs and chart.js: the store loads only when saving.
 */
export default function TodayPage() {
  const { t } = useI18n();
  const diary = createDiary();
  const entries = createTodayEntries();
  const checkins = createCheckinStatus();
  const practiceCount = createPracticeCountToday();

  const [draft, setDraft] = createStore(emptyDraft());
  const [errors, setErrors] = createSignal<FieldErrors>({});
  const [detailsOpen, setDetailsOpen] = createSignal(false);
  const [saving, setSaving] = createSignal(false);
  let form!: HTMLFormElement;

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
    const open = !detailsOpen();
    // The time shown starts at "now"; it only counts once the person changes it.
    if (open && !draft.atTouched) setDraft('at', toLocalInput(new Date()));
    setDetailsOpen(open);
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
      setErrors({});
      setDraft(emptyDraft());
      setDetailsOpen(false);
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
