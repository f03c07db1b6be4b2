import { createSignal, onMount, Show } from 'solid-js';
import { useI18n, type MessageKey } from '../../../i18n/i18n';
import type { KioskSession } from '../../../app-data';
import { decodeInvitationFragment } from '../../../../sync/invitations';
import { newIntakeDbName } from '../../../../storage/intake-dbs';
import type { IntakeVisit, StartError } from './intake-session';
import { IntakeVisitView } from './IntakeVisitView';
import { fragmentOf } from './pasted-link';
import { QrScanner } from './QrScanner';

const START_ERRORS: Record<StartError, MessageKey> = {
  'bad-invitation': 'kiosk.intake.badLink',
  'not-intake': 'kiosk.intake.notIntake',
  expired: 'kiosk.intake.expired',
  'already-member': 'kiosk.intake.used',
  'other-owner': 'kiosk.intake.badLink',
  failed: 'kiosk.intake.failed',
};

/**
 * The waiting-room tablet between patients: staff open (or paste) a patient's questionnaire
 * link, the patient answers, the tablet sends and forgets, and it is ready for the next one.
 * `link`: a link the tablet was opened with (its fragment), started at once.
 */
export function IntakeMode(props: { kiosk: KioskSession; link?: string; onVisit: (name: string | undefined) => void; onExit: () => void; onVisitEnded: () => void }) {
  const { t } = useI18n();
  const [text, setText] = createSignal('');
  const [error, setError] = createSignal<MessageKey | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [visit, setVisit] = createSignal<IntakeVisit>();
  const [scanning, setScanning] = createSignal(false);
  let field: HTMLTextAreaElement | undefined;

  async function start(link: string): Promise<void> {
    if (busy()) return;
    setError(null);
    if (!link.trim()) {
      setError('kiosk.intake.empty');
      field?.focus();
      return;
    }
    const read = decodeInvitationFragment(fragmentOf(link));
    if (!read.ok) return fail('kiosk.intake.badLink');
    setBusy(true);
    try {
      const { startVisit } = await import('./intake-session');
      // Named before it exists, so the sender of earlier visits never opens it.
      const name = newIntakeDbName();
      props.onVisit(name);
      const out = await startVisit(read.value, props.kiosk, name);
      if (!out.ok) {
        props.onVisit(undefined);
        return fail(START_ERRORS[out.error]);
      }
      setText('');
      setVisit(out.visit);
    } catch (e) {
      console.error('visit could not start', e);
      props.onVisit(undefined);
      fail('kiosk.intake.failed');
    } finally {
      setBusy(false);
    }
  }

  function fail(key: MessageKey): void {
    setError(key);
    field?.focus();
  }

  onMount(() => {
    if (props.link) void start(props.link);
    else field?.focus();
  });

  return (
    <Show when={visit()} keyed fallback={
      <section class="card kiosk-form" aria-labelledby="intake-ready-h">
        <h2 id="intake-ready-h">{t('kiosk.intake.heading')}</h2>
        <p>{t('kiosk.intake.ready')}</p>
        <p class="hint">{t('kiosk.intake.readyStaff')}</p>
        <Show when={scanning()} fallback={
          <div class="actions kiosk-stack">
            <button type="button" class="button primary big" onClick={() => { setError(null); setScanning(true); }}>{t('kiosk.intake.scan')}</button>
          </div>
        }>
          <QrScanner onText={(text) => { setScanning(false); void start(text); }} onCancel={() => setScanning(false)} />
        </Show>
        <h3>{t('kiosk.intake.orPaste')}</h3>
        <form onSubmit={(e) => { e.preventDefault(); void start(text()); }} novalidate>
          <div class="field" classList={{ invalid: error() !== null }}>
            <label for="intake-link">{t('kiosk.intake.linkLabel')}</label>
            <textarea id="intake-link" ref={field} rows="3" value={text()} spellcheck={false} autocomplete="off"
              aria-invalid={error() !== null} aria-describedby={error() ? 'intake-link-error' : undefined}
              onInput={(e) => { setText(e.currentTarget.value); setError(null); }} />
            <Show when={error()}>{(key) => <p id="intake-link-error" class="error" role="alert">{t(key())}</p>}</Show>
          </div>
          <div class="actions kiosk-stack">
            <button type="submit" class="button big" aria-disabled={busy()}>{busy() ? t('kiosk.working') : t('kiosk.intake.start')}</button>
            <button type="button" class="button" onClick={() => props.onExit()}>{t('kiosk.intake.stop')}</button>
          </div>
        </form>
      </section>
    }>
      {(v) => (
        <IntakeVisitView
          visit={v}
          idleMs={props.kiosk.settings.idleMinutes * 60_000}
          onFinished={() => {
            setVisit(undefined);
            props.onVisit(undefined);
            props.onVisitEnded();
            field?.focus();
          }}
        />
      )}
    </Show>
  );
}
