import { createSignal, onMount, Show } from 'solid-js';
import type { Thread } from '../../../domain';
import { useI18n } from '../../i18n/i18n';
import { Field } from '../../primitives/Field';
import type { MessagesData } from './createMessages';
import { fieldErrors } from './message-text';
import { MessageTextField } from './MessageTextField';

/** Subject and first message of a new conversation; every typed value survives an error. */
export function NewThreadForm(props: { data: MessagesData; onDone: (thread: Thread | null) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [subject, setSubject] = createSignal('');
  const [text, setText] = createSignal('');
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [message, setMessage] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  let heading!: HTMLHeadingElement;
  let form!: HTMLFormElement;
  onMount(() => heading.focus());

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    if (busy()) return;
    setBusy(true);
    setMessage(undefined);
    const result = await props.data.startThread(subject(), text());
    setBusy(false);
    if (result.ok) return props.onDone(result.value);
    if (result.error.kind === 'fields') {
      setErrors(fieldErrors(i18n, result.error.errors, { subject: subject().trim(), text: text() }));
      setMessage(t('validation.fixBelow'));
      queueMicrotask(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
    } else {
      setErrors({});
      setMessage(t(result.error.key));
    }
  }

  return (
    <form ref={form} class="card soft messages-form" aria-labelledby="messages-new-h" onSubmit={submit} novalidate>
      <h2 id="messages-new-h" ref={heading} tabindex="-1">{t('messages.newHeading')}</h2>
      <Show when={message()}><p class="error" role="alert">{message()}</p></Show>
      <Field label={t('messages.subject')} hint={t('messages.subjectHint')} value={subject()} onInput={setSubject} error={errors()['subject']} />
      <MessageTextField label={t('messages.text')} value={text()} onInput={setText} error={errors()['text']} />
      <div class="actions">
        <button type="submit" class="button primary" disabled={busy()}>{t('messages.send')}</button>
        <button type="button" class="button" onClick={() => props.onDone(null)}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}
