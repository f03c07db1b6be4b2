import { createSignal, onMount, Show } from 'solid-js';
import type { Message } from '../../../domain';
import { useI18n } from '../../i18n/i18n';
import { showToast } from '../../primitives/toast';
import type { MessagesData } from './createMessages';
import { authorLabel, fieldErrors, whenLabel } from './message-text';
import { MessageTextField } from './MessageTextField';

/** One message: who and when, the text as written; the writer may edit it or delete it (with undo). */
export function MessageItem(props: { message: Message; data: MessagesData }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [editing, setEditing] = createSignal(false);
  let editButton: HTMLButtonElement | undefined;
  const mine = () => props.message.by === props.data.me();
  const when = () => whenLabel(i18n, props.message.at);

  async function remove() {
    const message = props.message;
    const result = await props.data.remove(message);
    if (!result.ok) {
      showToast({ message: t(result.error.kind === 'message' ? result.error.key : 'messages.errors.saveFailed'), tone: 'error' });
      return;
    }
    // The button goes with the message: put focus somewhere that stays.
    document.querySelector<HTMLElement>('main h1')?.focus();
    showToast({ message: t('messages.deleted'), action: { label: t('common.undo'), run: async () => { await props.data.restore(message); } } });
  }

  return (
    <li class="message" classList={{ mine: mine() }}>
      <p class="message-meta">
        <strong>{authorLabel(t, props.message.by, props.data.me(), props.data.nameOf(props.message.by))}</strong>
        {' · '}<time datetime={props.message.at}>{when()}</time>
        <Show when={props.message.editedAt}>{' '}<span class="muted">{t('messages.edited')}</span></Show>
      </p>
      <Show
        when={!editing()}
        fallback={<EditForm message={props.message} data={props.data} onDone={(saved) => {
          setEditing(false);
          if (saved) showToast({ message: t('messages.changed') });
          queueMicrotask(() => editButton?.focus());
        }} />}
      >
        <p class="message-text">{props.message.text}</p>
        <Show when={mine() && !props.data.readOnly()}>
          <div class="actions message-actions">
            <button ref={editButton} type="button" class="button" aria-label={t('messages.editLabel', { time: when() })}
              onClick={() => setEditing(true)}>{t('common.edit')}</button>
            <button type="button" class="button" aria-label={t('messages.deleteLabel', { time: when() })}
              onClick={() => void remove()}>{t('common.delete')}</button>
          </div>
        </Show>
      </Show>
    </li>
  );
}

function EditForm(props: { message: Message; data: MessagesData; onDone: (saved: boolean) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [text, setText] = createSignal(props.message.text);
  const [error, setError] = createSignal<string>();
  const [message, setMessage] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  let form!: HTMLFormElement;
  onMount(() => form.querySelector('textarea')?.focus());

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    if (busy()) return;
    if (text() === props.message.text) return props.onDone(false);
    setBusy(true);
    setMessage(undefined);
    const result = await props.data.edit(props.message, text());
    setBusy(false);
    if (result.ok) return props.onDone(true);
    if (result.error.kind === 'fields') {
      setError(fieldErrors(i18n, result.error.errors, { text: text() })['text']);
      queueMicrotask(() => form.querySelector('textarea')?.focus());
    } else {
      setMessage(t(result.error.key));
    }
  }

  return (
    <form ref={form} class="message-edit" onSubmit={submit} novalidate
      onKeyDown={(e) => { if (e.key === 'Escape') { e.preventDefault(); props.onDone(false); } }}>
      <Show when={message()}><p class="error" role="alert">{message()}</p></Show>
      <MessageTextField label={t('messages.editText')} value={text()} onInput={setText} error={error()} />
      <div class="actions">
        <button type="submit" class="button primary" disabled={busy()}>{t('messages.saveEdit')}</button>
        <button type="button" class="button" onClick={() => props.onDone(false)}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}
