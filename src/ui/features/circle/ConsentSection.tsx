import { createSignal, For, Show } from 'solid-js';
import { consentState, consentText, currentConsentVersion, type ConsentTopic } from '../../../domain/circle';
import { useI18n } from '../../i18n/i18n';
import { useAppData } from '../../app-data';
import { showToast } from '../../primitives/toast';
import { useSharing } from '../sharing/sharing-context';
import type { Team } from './team';

/**
 * Consent records: telehealth, and sharing the diary with caregivers. Each shows its
 * current versioned text, who decided and when; the patient agrees or withdraws. Sharing the
 * diary also hands caregivers the journal keys (or rotates them away).
 */
export function ConsentSection(props: { circleId: string; team: Team; onChange: () => void }) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const data = useAppData();
  const sharing = useSharing();
  const [busy, setBusy] = createSignal(false);
  const isPatient = () => props.team.members.find((m) => m.isMe)?.role === 'patient';
  const nameOf = (id: string) => (id === props.team.me ? t('circle.team.you') : props.team.members.find((m) => m.id === id)?.name ?? t('circle.team.unnamed'));
  const when = (iso: string) => i18n.formatDate(new Date(iso), { dateStyle: 'medium' });

  async function decide(topic: ConsentTopic, agree: boolean) {
    if (busy()) return;
    setBusy(true);
    try {
      const [m, docs] = await Promise.all([import('./circle-actions'), data.circleDocs(props.circleId)]);
      const out = topic === 'telehealth'
        ? await m.recordConsent(data.db, docs, 'telehealth', agree ? 'agreed' : 'withdrawn')
        : await m.setJournalSharing(data.db, docs, props.circleId, agree, (id) => sharing.runtime()?.publish(id));
      showToast(out.ok ? { message: t('circle.consent.saved') } : { message: t(out.error === 'not-owner' ? 'circle.team.notOwner' : 'circle.team.failed'), tone: 'error' });
      props.onChange();
    } finally {
      setBusy(false);
    }
  }

  const topics: Array<{ topic: ConsentTopic; heading: string; agree: string; withdraw: string }> = [
    { topic: 'journal-sharing-caregivers', heading: t('circle.consent.journal'), agree: t('circle.consent.share'), withdraw: t('circle.consent.stopSharing') },
    { topic: 'telehealth', heading: t('circle.consent.telehealth'), agree: t('circle.consent.agree'), withdraw: t('circle.consent.withdraw') },
  ];

  return (
    <section class="card" aria-labelledby="consent-h">
      <h2 id="consent-h">{t('circle.consent.heading')}</h2>
      <For each={topics}>
        {(c) => {
          const state = () => consentState(props.team.consents, c.topic, { roles: props.team.roles });
          const text = () => consentText(c.topic, currentConsentVersion(c.topic));
          return (
            <div class="consent" role="group" aria-labelledby={`consent-${c.topic}`}>
              <h3 id={`consent-${c.topic}`}>{c.heading}</h3>
              {/* The text's first line is its title, which the heading above already says. */}
              <Show when={text()}>{(tx) => <div class="consent-text"><For each={(locale() === 'es' ? tx().es : tx().en).split('\n').slice(1)}>{(line) => <p>{line}</p>}</For></div>}</Show>
              <p class="hint">{t('circle.consent.textVersion', { v: currentConsentVersion(c.topic) })}</p>
              <p role="status">
                {(() => {
                  const s = state();
                  if (s.decision === 'none') return t('circle.consent.stateNone');
                  const key = s.decision === 'agreed' ? 'circle.consent.stateAgreed' : 'circle.consent.stateWithdrawn';
                  return t(key, { who: nameOf(s.by), when: when(s.at) });
                })()}
              </p>
              <Show when={(() => { const s = state(); return s.decision !== 'none' && s.needsReconsent; })()}><p class="settings-warning">{t('circle.consent.newText')}</p></Show>
              <Show when={isPatient()} fallback={<p class="muted">{t('circle.consent.onlyPatient')}</p>}>
                <div class="actions">
                  <Show when={state().decision !== 'agreed' || (state() as { needsReconsent?: boolean }).needsReconsent}>
                    <button type="button" class="button primary" aria-disabled={busy()} onClick={() => void decide(c.topic, true)}>{c.agree}</button>
                  </Show>
                  <Show when={state().decision === 'agreed'}>
                    <button type="button" class="button" aria-disabled={busy()} onClick={() => void decide(c.topic, false)}>{c.withdraw}</button>
                  </Show>
                </div>
              </Show>
            </div>
          );
        }}
      </For>
    </section>
  );
}
