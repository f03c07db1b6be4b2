import { createMemo, createSignal, For, onMount, Show } from 'solid-js';
import { PLAN_LIMITS, type Goal, type PlanItem, type Proposal, type ValidationError } from '../../../domain';
import { Field } from '../../primitives/Field';
import { showToast } from '../../primitives/toast';
import { usePlan } from './createPlan';
import { createPlanForm } from './createPlanForm';
import { useWeekdayNames } from './item-text';
import { messageFor } from './plan-forms';
import { usePlanText, type PlanKey } from './plan-text';
import { focusSectionOf, FormAlert, useDates, useToastError, useWho } from './plan-ui';

/** A field's value in words, for a suggested change. */
export function useFieldValue(): (field: string, value: unknown) => string {
  const { t, formatNumber } = usePlanText();
  const dates = useDates();
  const weekdays = useWeekdayNames();
  return (field, value) => {
    if (value === null || value === undefined || value === '') return t('proposals.empty');
    if (field === 'category') return t(`categories.${value as PlanItem['category']}`);
    if (field === 'skill') return t(`skills.${value as NonNullable<PlanItem['skill']>}`);
    if (field === 'technique') return t(`techniques.${value as NonNullable<PlanItem['technique']>}`);
    if (field === 'days' && Array.isArray(value)) return value.map((d) => weekdays()[d as number] ?? String(d)).join(', ');
    if (field === 'milestones' && Array.isArray(value)) return value.map((m) => (m as { text?: string }).text ?? '').join('; ');
    if (Array.isArray(value)) return value.join(', ');
    if (['targetDate', 'startDate', 'endDate'].includes(field) && typeof value === 'string') return dates.local(value);
    if (typeof value === 'number') return formatNumber(value);
    return String(value);
  };
}

/** What a proposal is about, in a few words. */
export function useProposalTitle(): (p: Proposal) => string {
  const data = usePlan();
  const { t } = usePlanText();
  return (p) => {
    if (p.target.id === null) return p.target.kind === 'goal' ? t('proposals.newGoal') : t('proposals.newItem');
    const target = data.snapshot()?.all.find((r) => r.kind === p.target.kind && r.id === p.target.id) as Goal | PlanItem | undefined;
    if (!target || target.deletedAt !== undefined) return t('proposals.gone');
    return target.kind === 'goal' ? t('proposals.toGoal', { name: target.title }) : t('proposals.toItem', { name: target.name });
  };
}

/** One suggested change: what it changes from and to, who suggested it and why, and the decision. */
export function ProposalCard(props: { proposal: Proposal }) {
  const data = usePlan();
  const { t } = usePlanText();
  const who = useWho();
  const dates = useDates();
  const valueOf = useFieldValue();
  const titleOf = useProposalTitle();
  const toastError = useToastError();
  const [declining, setDeclining] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const headingId = () => `proposal-${props.proposal.id}`;
  let card: HTMLLIElement | undefined;
  let declineButton: HTMLButtonElement | undefined;
  const title = () => titleOf(props.proposal);
  const decided = () => props.proposal.status !== 'open';
  const target = createMemo(() => {
    const { kind, id } = props.proposal.target;
    return id === null ? undefined : (data.snapshot()?.all.find((r) => r.kind === kind && r.id === id) as Record<string, unknown> | undefined);
  });
  const rows = createMemo(() => Object.entries(props.proposal.changes).map(([field, to]) => ({
    field,
    label: t(`fields.${field}` as PlanKey),
    // Once decided the target holds the outcome, so only an open proposal shows "from → to".
    from: decided() || target() === undefined ? null : valueOf(field, target()![field]),
    to: to === null ? t('proposals.cleared') : valueOf(field, to),
  })));
  const mine = () => props.proposal.createdBy === data.me();

  async function accept() {
    if (busy()) return;
    setBusy(true);
    const result = await data.accept(props.proposal, '', {
      fieldName: (f) => t(`fields.${f}` as PlanKey),
      problem: (e: ValidationError) => { const m = messageFor(e, e.field.split('.').pop() ?? '', false); return t(m.key, m.params); },
    });
    setBusy(false);
    if (!result.ok) return toastError(result.error);
    showToast({ message: t('proposals.accepted') });
    focusSectionOf(card);
  }
  async function withdraw() {
    const result = await data.withdraw(props.proposal);
    if (!result.ok) return toastError(result.error);
    showToast({ message: t('proposals.withdrawn') });
    focusSectionOf(card);
  }

  return (
    <li ref={card} class="card plan-card plan-proposal" aria-labelledby={headingId()}>
      <h3 id={headingId()} class="plan-card-title">{title()}</h3>
      <p class="plan-stamp">{t('proposals.by', { who: who(props.proposal.createdBy), date: dates.moment(props.proposal.createdAt) })}</p>
      <dl class="plan-changes">
        <For each={rows()}>
          {(row) => (
            <>
              <dt>{row.label}</dt>
              <dd class="plan-text">{row.from === null ? row.to : t('proposals.change', { from: row.from, to: row.to })}</dd>
            </>
          )}
        </For>
      </dl>
      <p class="plan-text">{props.proposal.reason.trim() ? t('proposals.reason', { reason: props.proposal.reason }) : t('proposals.noReason')}</p>
      <Show when={decided()}>
        <p class="plan-decision">
          {t(props.proposal.status === 'accepted' ? 'proposals.status.accepted' : 'proposals.status.declined',
            { who: who(props.proposal.decidedBy), date: dates.moment(props.proposal.decidedAt ?? props.proposal.updatedAt) })}
        </p>
        <Show when={props.proposal.decisionNote}><p class="plan-text">{t('proposals.decisionNote', { note: props.proposal.decisionNote ?? '' })}</p></Show>
      </Show>
      <Show when={!decided()}>
        <Show when={data.canEdit}>
          <Show when={declining()} fallback={
            <div class="actions">
              <button type="button" class="button primary" disabled={busy()} aria-label={t('proposals.acceptLabel', { what: title() })} onClick={accept}>{t('proposals.accept')}</button>
              <button ref={declineButton} type="button" class="button" aria-label={t('proposals.declineLabel', { what: title() })} onClick={() => setDeclining(true)}>{t('proposals.decline')}</button>
            </div>
          }>
            <DeclineForm proposal={props.proposal} onDone={(saved) => {
              setDeclining(false);
              if (saved) focusSectionOf(card);
              else queueMicrotask(() => declineButton?.focus());
            }} />
          </Show>
        </Show>
        <Show when={!data.canEdit && mine()}>
          <div class="actions">
            <button type="button" class="button" aria-label={t('proposals.withdrawLabel', { what: title() })} onClick={withdraw}>{t('proposals.withdraw')}</button>
          </div>
        </Show>
      </Show>
    </li>
  );
}

function DeclineForm(props: { proposal: Proposal; onDone: (saved: boolean) => void }) {
  const data = usePlan();
  const { t, app } = usePlanText();
  const [note, setNote] = createSignal('');
  const form = createPlanForm(() => ['decisionNote']);
  const id = `decline-${props.proposal.id}`;
  let formEl!: HTMLFormElement;
  let heading!: HTMLHeadingElement;
  onMount(() => heading.focus());
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    return form.submit(formEl, () => data.decline(props.proposal, note()), () => {
      showToast({ message: t('proposals.declined') });
      props.onDone(true);
    });
  };
  return (
    <form ref={formEl} class="plan-decline" aria-labelledby={id} onSubmit={submit} novalidate>
      <h4 id={id} ref={heading} tabindex="-1">{t('proposals.declineHeading')}</h4>
      <FormAlert message={form.alert()} extra={form.extra()} />
      <Field label={t('proposals.note')} hint={t('proposals.noteHint')} type="textarea" value={note()} onInput={setNote}
        error={form.errors()['decisionNote']} maxLength={PLAN_LIMITS.longText} />
      <div class="actions">
        <button type="submit" class="button primary" disabled={form.busy()}>{t('proposals.confirmDecline')}</button>
        <button type="button" class="button" onClick={() => props.onDone(false)}>{app('common.cancel')}</button>
      </div>
    </form>
  );
}
