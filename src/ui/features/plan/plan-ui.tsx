/** Small pieces every plan section uses: author names, dates, the "changed by" line, save errors. */
import { Show } from 'solid-js';
import { localMidnight, type MemberRef, type PlanRecord } from '../../../domain';
import { showToast } from '../../primitives/toast';
import { usePlan, type PlanSaveError } from './createPlan';
import { authorOf, latestStamp } from './plan-model';
import { usePlanText, type PlanKey } from './plan-text';

/** Names an author: "you", a member's name, or "a care team member" (`start`: at the start of a sentence). */
export function useWho(): (ref: MemberRef | null | undefined, start?: boolean) => string {
  const data = usePlan();
  const { t } = usePlanText();
  return (ref, start = false) => {
    const a = authorOf(ref ?? undefined, data.source.names(), data.me());
    if (a.kind === 'member') return a.name;
    if (a.kind === 'you') return t(start ? 'who.youStart' : 'who.you');
    return t(start ? 'who.unknownStart' : 'who.unknown');
  };
}

/** Date formats the plan screens use. */
export function useDates() {
  const { formatDate } = usePlanText();
  return {
    /** A moment, as a date. */
    day: (iso: string) => formatDate(iso, { dateStyle: 'medium' }),
    /** A moment, with its time. */
    moment: (iso: string) => formatDate(iso, { dateStyle: 'medium', timeStyle: 'short' }),
    /** A calendar date ('YYYY-MM-DD'), written out. */
    local: (date: string) => {
      const d = localMidnight(date);
      return d ? formatDate(d, { dateStyle: 'long' }) : date;
    },
  };
}

/** "Added by … on …" or "Changed by … on …" under a record. */
export function Stamp(props: { record: PlanRecord }) {
  const { t } = usePlanText();
  const who = useWho();
  const dates = useDates();
  const stamp = () => latestStamp(props.record);
  return (
    <p class="plan-stamp">
      {t(stamp().action === 'added' ? 'stamp.added' : 'stamp.changed', { who: who(stamp().by), date: dates.moment(stamp().at) })}
    </p>
  );
}

/** The message of a failed save, in words. */
export function useSaveMessage(): (error: PlanSaveError) => string {
  const { t } = usePlanText();
  return (error) => (error.kind === 'message' ? t(error.key, error.params) : t('errors.fixBelow'));
}

/** A toast for a save that failed with a message (field errors belong to forms). */
export function useToastError(): (error: PlanSaveError) => void {
  const text = useSaveMessage();
  return (error) => showToast({ message: text(error), tone: 'error' });
}

/** A toast saying something was deleted, with Undo. */
export function useDeletedToast(): (key: PlanKey, params: Record<string, string>, undo: () => Promise<unknown>) => void {
  const { t, app } = usePlanText();
  return (key, params, undo) => showToast({ message: t(key, params), action: { label: app('common.undo'), run: async () => { await undo(); } } });
}

/** The alert at the top of a form after a failed save: what to do, and problems no field shows. */
export function FormAlert(props: { message: string | undefined; extra?: string[] }) {
  return (
    <Show when={props.message}>
      <div class="error" role="alert">
        <p>{props.message}</p>
        <Show when={(props.extra ?? []).length > 0}>
          <ul>{(props.extra ?? []).map((m) => <li>{m}</li>)}</ul>
        </Show>
      </div>
    </Show>
  );
}

/** After the element a person acted on is gone (deleted), puts focus on its section's heading. */
export function focusSectionOf(el: Element | undefined): void {
  const heading = el?.closest('section')?.querySelector<HTMLElement>('h2');
  queueMicrotask(() => heading?.focus());
}
