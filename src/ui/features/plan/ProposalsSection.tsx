import { createMemo, For, Show } from 'solid-js';
import { usePlan } from './createPlan';
import { ProposalCard } from './ProposalCard';
import { usePlanText } from './plan-text';

/** Suggested changes waiting for a clinician, then the decided ones. Shown once there is one. */
export function ProposalsSection() {
  const data = usePlan();
  const { t } = usePlanText();
  const proposals = createMemo(() => data.snapshot()?.proposals ?? []);
  const open = createMemo(() => proposals().filter((p) => p.status === 'open').map((p) => p.id));
  const decided = createMemo(() => proposals().filter((p) => p.status !== 'open')
    .sort((a, b) => ((a.decidedAt ?? '') < (b.decidedAt ?? '') ? 1 : -1)).map((p) => p.id));
  const byId = (id: string) => proposals().find((p) => p.id === id);

  return (
    <Show when={proposals().length > 0}>
      <section class="plan-section" aria-labelledby="plan-proposals-h">
        <h2 id="plan-proposals-h" tabindex="-1">{t('proposals.heading')}</h2>
        <Show when={open().length > 0}>
          <p class="muted">{data.canEdit ? t('proposals.intro') : t('proposals.introMember')}</p>
          <ul class="plain">
            <For each={open()}>{(id) => <Show when={byId(id)}>{(p) => <ProposalCard proposal={p()} />}</Show>}</For>
          </ul>
        </Show>
        <Show when={decided().length > 0}>
          <details class="plan-details">
            <summary>{t('proposals.earlier', { n: decided().length })}</summary>
            <ul class="plain">
              <For each={decided()}>{(id) => <Show when={byId(id)}>{(p) => <ProposalCard proposal={p()} />}</Show>}</For>
            </ul>
          </details>
        </Show>
      </section>
    </Show>
  );
}
