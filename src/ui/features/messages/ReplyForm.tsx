import { createSignal, Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { showToast } from '../../primitives/toast';
import type { MessagesData } from './createMessages';
import { fieldErrors } from './message-text';
import { MessageTextField } from './MessageTextField';

/** Reply at the end of a conversation; the text stays until it is saved on the device. */
export function ReplyForm(props: { data: MessagesData; threadId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [text, setText] = createSignal('');
  const [error, setError] = createSignal<string>();
  const [message, setMessage] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  let form!: HTMLFormElement;

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    if (busy()) return;
    setBusy(true);
    setMessage(undefined);
    const result = await props.data.reply(props.threadId, text());
    setBusy(false);
    if (result.ok) {
      setText('');
      setError(undefined);
      showToast({ message: t('messages.sent') });
      return;
    }
    if (result.error.kind === 'fields') {
      setError(fieldErrors(i18n, result.error.errors, { text: text() })['text']);
      queueMicrotask(() => form.querySelector<HTMLElement>('textarea')?.focus());
    } else {
      setMessage(t(result.error.key));
    }
  }

  return (
    <form ref={form} class="messages-reply" aria-label={t('messages.replyLabel')} onSubmit={submit} novalidate>
      <Show when={message()}><p class="error" role="alert">{message()}</p></Show>
      <MessageTextField label={t('messages.replyLabel')} value={text()} onInput={setText} error={error()} />
      <div class="actions">
        <button type="submit" class="button primary" disabled={busy()}>{t('messages.sendReply')}</button>
      </div>
    </form>
  );
}
