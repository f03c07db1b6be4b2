import { Match, Show, Switch } from 'solid-js';
import { useParams, useSearchParams } from '@solidjs/router';
import { useI18n } from '../../i18n/i18n';
import { PageTitle } from '../../primitives/PageTitle';
import { CommentThread } from './CommentThread';
import { createPlan, PlanProvider, usePlan } from './createPlan';
import { CrisisPlanSection } from './CrisisPlanSection';
import { EscalationSection } from './EscalationSection';
import { GoalsSection } from './GoalsSection';
import { ItemsSection } from './ItemsSection';
import { PlanHistory } from './PlanHistory';
import { isPlanEmpty } from './plan-model';
import { PlanTextProvider, usePlanText } from './plan-text';
import { ProposalsSection } from './ProposalsSection';
import { SteppedCareSection } from './SteppedCareSection';
import './plan.css';

/**
 * /plan (this device's circle), /plan/:circleId or /plan?circle=<id> (a clinician's patient):
 * the shared care plan. Clinicians write it; patients and caregivers read it, comment and
 * suggest changes.
 */
export default function PlanPage() {
  const { t } = useI18n();
  const params = useParams<{ circleId?: string }>();
  const [search] = useSearchParams<{ circle?: string }>();
  const circleId = () => params.circleId ?? (typeof search.circle === 'string' && search.circle !== '' ? search.circle : undefined);
  return (
    <div class="plan">
      <PageTitle>{t('plan.nav')}</PageTitle>
      <PlanTextProvider>
        <Show when={circleId() ?? true} keyed>
          {/* A new circle in the route opens its own plan. */}
          <PlanScreen circleId={circleId()} />
        </Show>
      </PlanTextProvider>
    </div>
  );
}

function PlanScreen(props: { circleId: string | undefined }) {
  const data = createPlan(props.circleId);
  return (
    <PlanProvider value={data}>
      <PlanBody />
    </PlanProvider>
  );
}

function PlanBody() {
  const data = usePlan();
  const { t } = usePlanText();
  const app = useI18n();
  const empty = () => isPlanEmpty(data.snapshot()!);
  return (
    <Switch fallback={<p role="status">{app.t('plan.loading')}</p>}>
      <Match when={data.source.failed()}><p class="error" role="alert">{t('loadFailed')}</p></Match>
      <Match when={data.snapshot()}>
        <p>{data.canEdit ? t('intro.clinician') : t('intro.member')}</p>
        <Show when={data.snapshot()!.readOnly}><p class="card alert" role="alert">{t('readOnly')}</p></Show>
        <Show when={empty()}>
          <section class="card soft plan-empty" aria-labelledby="plan-empty-h">
            <h2 id="plan-empty-h" tabindex="-1">{t('empty.heading')}</h2>
            <p>{data.canEdit ? t('empty.clinician') : t('empty.member')}</p>
          </section>
        </Show>
        <ProposalsSection />
        <Show when={data.canEdit || !empty()}>
          <GoalsSection />
          <ItemsSection />
          <SteppedCareSection />
          <EscalationSection />
          <CrisisPlanSection />
        </Show>
        <section class="plan-section" aria-labelledby="plan-comments-h">
          <h2 id="plan-comments-h" tabindex="-1">{t('comments.planHeading')}</h2>
          <CommentThread target={{ kind: 'plan', id: null }} open />
        </section>
        <PlanHistory />
      </Match>
    </Switch>
  );
}
