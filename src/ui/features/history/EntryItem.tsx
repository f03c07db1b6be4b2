import { createSignal, Match, Show, Switch } from 'solid-js';
import { A } from '@solidjs/router';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { scoreResponse } from '../../../domain/instruments';
import type { AssessmentResponse, DiaryEntry, PracticeLog } from '../../../domain/records';
import type { ListedRecord } from './createHistory';
import { PracticeLogEditor } from './PracticeLogEditor';
import { ENTRY_WHEN, ONE_DECIMAL } from './history-formats';

/** One diary entry, practice log or check-in: date, key value, who entered it, and its actions. */
export function EntryItem(props: {
  record: ListedRecord;
  busy: boolean;
  onDelete: (r: ListedRecord) => void;
  onSavePractice: (log: PracticeLog, changes: Partial<Pick<PracticeLog, 'status' | 'minutes' | 'note'>>) => Promise<boolean | string[]>;
}) {
  const { t, formatDate } = useI18n();
  const [editing, setEditing] = createSignal(false);
  let editButton: HTMLButtonElement | undefined;
  const when = () => formatDate(props.record.at, ENTRY_WHEN);
  const kindLabel = () => t(`history.kinds.${props.record.kind}` as MessageKey);
  const closeEditor = () => {
    setEditing(false);
    editButton?.focus();
  };
  return (
    <li class="entry card">
      <div class="entry-head">
        <h3>{kindLabel()}</h3>
        <p class="muted entry-date">{when()}</p>
      </div>
      <Switch>
        <Match when={props.record.kind === 'diary' && (props.record as DiaryEntry)}>{(d) => <DiaryValue entry={d()} />}</Match>
        <Match when={props.record.kind === 'practice' && (props.record as PracticeLog)}>{(p) => <PracticeValue log={p()} />}</Match>
        <Match when={props.record.kind === 'assessment' && (props.record as AssessmentResponse)}>{(a) => <CheckinValue response={a()} />}</Match>
      </Switch>
      <Show when={props.record.enteredBy === 'caregiver'}>
        <p><span class="badge">{t('common.enteredByCaregiver')}</span></p>
      </Show>
      <Show
        when={editing() && props.record.kind === 'practice'}
        fallback={
          <div class="actions entry-actions">
            <Switch>
              <Match when={props.record.kind === 'diary'}>
                <A class="button" href={`/entry/${props.record.id}`} aria-label={t('history.list.editLabel', { what: kindLabel(), date: when() })}>
                  {t('common.edit')}
                </A>
              </Match>
              <Match when={props.record.kind === 'practice'}>
                <button
                  type="button"
                  class="button"
                  ref={editButton}
                  aria-label={t('history.list.editLabel', { what: kindLabel(), date: when() })}
                  onClick={() => setEditing(true)}
                >
                  {t('common.edit')}
                </button>
              </Match>
            </Switch>
            <button
              type="button"
              class="button"
              disabled={props.busy}
              aria-label={t('history.list.deleteLabel', { what: kindLabel(), date: when() })}
              onClick={() => props.onDelete(props.record)}
            >
              {t('common.delete')}
            </button>
          </div>
        }
      >
        <PracticeLogEditor
          log={props.record as PracticeLog}
          onCancel={closeEditor}
          onSave={async (changes) => {
            const result = await props.onSavePractice(props.record as PracticeLog, changes);
            if (result === true) closeEditor();
            return result;
          }}
        />
      </Show>
    </li>
  );
}

function DiaryValue(props: { entry: DiaryEntry }) {
  const { t, formatNumber } = useI18n();
  return (
    <p class="entry-value">
      <strong>{t('history.list.pain', { n: formatNumber(props.entry.painNow) })}</strong>
      <Show when={props.entry.sleepQuality !== undefined}>
        <span class="entry-extra">{t('history.list.sleep', { n: formatNumber(props.entry.sleepQuality ?? 0) })}</span>
      </Show>
      <Show when={props.entry.note}><span class="entry-extra entry-note">{props.entry.note}</span></Show>
    </p>
  );
}

function PracticeValue(props: { log: PracticeLog }) {
  const { t, formatNumber } = useI18n();
  return (
    <p class="entry-value">
      <strong>{props.log.practiceName}</strong>
      <span class="entry-extra">
        {t(`history.status.${props.log.status}` as MessageKey)}
        <Show when={props.log.minutes !== undefined}>{' · '}{t('common.minutes', { n: formatNumber(props.log.minutes ?? 0) })}</Show>
      </span>
      <Show when={props.log.note}><span class="entry-extra entry-note">{props.log.note}</span></Show>
    </p>
  );
}

function CheckinValue(props: { response: AssessmentResponse }) {
  const { t, formatNumber } = useI18n();
  const scored = () => scoreResponse(props.response.instrument, props.response.answers);
  const score = () => {
    const s = scored();
    return s.ok ? s.value.score : props.response.score;
  };
  const band = () => {
    const s = scored();
    return s.ok && s.value.band ? t(`history.bands.${s.value.band === 'moderately-severe' ? 'moderatelySevere' : s.value.band}` as MessageKey) : undefined;
  };
  return (
    <p class="entry-value">
      <strong>
        {t('history.list.score', {
          name: t(`history.instruments.${props.response.instrument}` as MessageKey),
          score: formatNumber(score(), ONE_DECIMAL),
        })}
      </strong>
      <Show when={band()}>{(b) => <span class="entry-extra">{b()}</span>}</Show>
    </p>
  );
}
