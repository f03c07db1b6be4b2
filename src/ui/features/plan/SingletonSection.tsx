import { createSignal, Show, type JSX } from 'solid-js';
import type { PlanRecordOfKind, SingletonKind } from '../../../domain';
import { usePlan } from './createPlan';
import { CommentThread } from './CommentThread';
import { usePlanText, type PlanKey } from './plan-text';
import { Stamp, useDeletedToast, useToastError } from './plan-ui';

export interface SingletonTexts {
  heading: PlanKey;
  none: PlanKey;
  set: PlanKey;
  edit: PlanKey;
  deleteLabel: PlanKey;
  deleted: PlanKey;
}

/**
 * A part of the plan there is one of (level of care, escalation criteria, crisis plan): what it
 * says, who changed it last, its comments, and for clinicians a form to set, change or delete it.
 */
export function SingletonSection<K extends SingletonKind>(props: {
  kind: K;
  record: PlanRecordOfKind<K> | undefined;
  texts: SingletonTexts;
  view: (record: PlanRecordOfKind<K>) => JSX.Element;
  form: (original: PlanRecordOfKind<K> | undefined, done: () => void) => JSX.Element;
}) {
  const data = usePlan();
  const { t, app } = usePlanText();
  const toastError = useToastError();
  const deletedToast = useDeletedToast();
  const [editing, setEditing] = createSignal(false);
  const headingId = `plan-${props.kind}-h`;
  let editButton: HTMLButtonElement | undefined;

  async function remove(record: PlanRecordOfKind<K>) {
    const result = await data.remove(record);
    if (!result.ok) return toastError(result.error);
    queueMicrotask(() => editButton?.focus());
    deletedToast(props.texts.deleted, {}, () => data.restore(result.value));
  }

  return (
    <section class="plan-section" aria-labelledby={headingId}>
      <h2 id={headingId} tabindex="-1">{t(props.texts.heading)}</h2>
      <Show when={!editing()} fallback={props.form(props.record, () => {
        setEditing(false);
        queueMicrotask(() => editButton?.focus());
      })}>
        <Show when={props.record} fallback={<p class="muted">{t(props.texts.none)}</p>}>
          {(record) => (
            <div class="card plan-card">
              {props.view(record())}
              <Stamp record={record()} />
            </div>
          )}
        </Show>
        <Show when={data.canEdit}>
          <div class="actions">
            <button ref={editButton} type="button" class="button" onClick={() => setEditing(true)}>
              {props.record ? t(props.texts.edit) : t(props.texts.set)}
            </button>
            <Show when={props.record}>
              {(record) => <button type="button" class="button link" aria-label={t(props.texts.deleteLabel)} onClick={() => remove(record())}>{app('common.delete')}</button>}
            </Show>
          </div>
        </Show>
      </Show>
      <Show when={props.record}>
        <CommentThread target={{ kind: props.kind, id: null }} name={t(props.texts.heading)} />
      </Show>
    </section>
  );
}
