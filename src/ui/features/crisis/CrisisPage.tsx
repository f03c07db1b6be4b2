import { createSignal, Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { PageTitle } from '../../primitives/PageTitle';
import { showToast } from '../../primitives/toast';
import { CrisisPanel } from './CrisisPanel';
import { CrisisPlanEditor } from './CrisisPlanEditor';
import { createCrisisPlans, createCrisisResources } from './createCrisis';

/**
 * Crisis help, one tap from every screen: plans and crisis lines first (CrisisPanel), then what
 * to do now, then the patient's own plan to make or change. Everything is read from this device.
 */
export default function CrisisPage() {
  const { t } = useI18n();
  const resources = createCrisisResources();
  const plans = createCrisisPlans();
  const [editing, setEditing] = createSignal(false);
  let editButton: HTMLButtonElement | undefined;
  const hasOwnPlan = () => (plans()?.plans ?? []).some((p) => p.source === 'own');

  const done = (saved: boolean) => {
    setEditing(false);
    if (saved) showToast({ message: t('crisis.plan.saved') });
    editButton?.focus();
  };

  return (
    <>
      <PageTitle>{t('crisis.title')}</PageTitle>
      <CrisisPanel intro={t('crisis.panel.pageIntro')} />
      <section class="card soft" aria-labelledby="crisis-steps-heading">
        <h2 id="crisis-steps-heading">{t('crisis.steps.heading')}</h2>
        <ol class="crisis-steps">
          <Show when={resources()}>{(res) => <li>{t('crisis.steps.step1', { emergency: res().emergency })}</li>}</Show>
          <li>{t('crisis.steps.step2')}</li>
          <li>{t('crisis.steps.step3')}</li>
          <li>{t('crisis.steps.step4')}</li>
          <li>{t('crisis.steps.step5')}</li>
        </ol>
      </section>
      <Show when={plans()}>
        {(p) => (
          <Show
            when={editing()}
            fallback={
              <section class="card" aria-labelledby="crisis-own-heading">
                <h2 id="crisis-own-heading">{t('crisis.plan.ownHeading')}</h2>
                <Show when={p().ownUnreadable}><p class="error">{t('crisis.plan.unreadable')}</p></Show>
                <p>{hasOwnPlan() ? t('crisis.plan.onDevice') : t('crisis.plan.empty')}</p>
                <div class="actions">
                  <button type="button" class="button primary" ref={editButton} onClick={() => setEditing(true)}>
                    {hasOwnPlan() ? t('crisis.plan.edit') : t('crisis.plan.create')}
                  </button>
                </div>
              </section>
            }
          >
            <CrisisPlanEditor plan={p().own} onDone={done} />
          </Show>
        )}
      </Show>
    </>
  );
}
