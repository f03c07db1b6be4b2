import { createMemo, createSignal, For, onMount, Show } from 'solid-js';
import { PLAN_LIMITS, type PlanComment } from '../../../domain';
import { Field } from '../../primitives/Field';
import { showToast } from '../../primitives/toast';
import { usePlan } from './createPlan';
import { createPlanForm } from './createPlanForm';
import { commentsOn } from './plan-model';
import { usePlanText } from './plan-text';
import { FormAlert, useDates, useDeletedToast, useToastError, useWho } from './plan-ui';

let counter = 0;

/** The comments on one part of the plan (or the whole plan), and a form to add one. Everyone may comment. */
export function CommentThread(props: { target: PlanComment['target']; name?: string; open?: boolean }) {
  const data = usePlan();
  const { t } = usePlanText();
  const who = useWho();
  const dates = useDates();
  const deletedToast = useDeletedToast();
  const toastError = useToastError();
  const [composing, setComposing] = createSignal(false);
  const list = createMemo(() => commentsOn(data.snapshot()?.comments ?? [], props.target.kind, props.target.id));
  let addButton: HTMLButtonElement | undefined;

  const canDelete = (c: PlanComment) => data.canEdit || c.createdBy === data.me();
  async function remove(c: PlanComment) {
    const result = await data.remove(c);
    if (!result.ok) return toastError(result.error);
    queueMicrotask(() => addButton?.focus());
    deletedToast('comments.deleted', {}, () => data.restore(result.value));
  }

  return (
    <div class="plan-comments">
      <Show when={list().length > 0}>
        <details open={props.open}>
          <summary>{t('comments.heading', { n: list().length })}</summary>
          <ul class="plain plan-comment-list">
            <For each={list()}>
              {(c) => (
                <li>
                  <p class="plan-comment-meta">{t('comments.meta', { who: who(c.createdBy, true), date: dates.moment(c.createdAt) })}</p>
                  <p class="plan-text">{c.text}</p>
                  <Show when={canDelete(c)}>
                    <button type="button" class="button link" aria-label={t('comments.deleteLabel', { date: dates.moment(c.createdAt) })}
                      onClick={() => remove(c)}>{t('comments.delete')}</button>
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </details>
      </Show>
      <Show
        when={composing()}
        fallback={
          <button ref={addButton} type="button" class="button link"
            aria-label={props.name ? t('comments.addLabel', { name: props.name }) : t('comments.addPlanLabel')}
            onClick={() => setComposing(true)}>{t('comments.add')}</button>
        }
      >
        <CommentForm target={props.target} name={props.name} onDone={() => {
          setComposing(false);
          queueMicrotask(() => addButton?.focus());
        }} />
      </Show>
    </div>
  );
}

function CommentForm(props: { target: PlanComment['target']; name: string | undefined; onDone: () => void }) {
  const data = usePlan();
  const { t, app } = usePlanText();
  const id = `comment-form-${++counter}`;
  const [text, setText] = createSignal('');
  const form = createPlanForm(() => ['text']);
  let formEl!: HTMLFormElement;
  let heading!: HTMLParagraphElement;
  onMount(() => heading.focus());
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    return form.submit(formEl, () => data.comment(props.target, text()), () => {
      showToast({ message: t('comments.sent') });
      props.onDone();
    });
  };
  return (
    <form ref={formEl} class="plan-comment-form" aria-labelledby={id} onSubmit={submit} novalidate>
      <p id={id} ref={heading} tabindex="-1" class="plan-form-title">
        {props.name ? t('comments.addLabel', { name: props.name }) : t('comments.addPlanLabel')}
      </p>
      <FormAlert message={form.alert()} extra={form.extra()} />
      <Field label={t('comments.text')} type="textarea" value={text()} onInput={setText} error={form.errors()['text']} maxLength={PLAN_LIMITS.longText} required />
      <div class="actions">
        <button type="submit" class="button primary" disabled={form.busy()}>{t('comments.send')}</button>
        <button type="button" class="button" onClick={() => props.onDone()}>{app('common.cancel')}</button>
      </div>
    </form>
  );
}
