import { createEffect, createMemo, For, Match, on, onCleanup, Show, Switch } from 'solid-js';
import { A, useParams, useSearchParams } from '@solidjs/router';
import type { Thread } from '../../../domain';
import { useI18n } from '../../i18n/i18n';
import { PageTitle } from '../../primitives/PageTitle';
import { announceArrivals } from './arrivals';
import { createMessages, type MessagesData } from './createMessages';
import { CrisisNote } from './CrisisNote';
import { MessageItem } from './MessageItem';
import { circleParam, messagesHref } from './paths';
import { ReplyForm } from './ReplyForm';
import './messages.css';

/** /messages/:threadId: one conversation, oldest message first, with a reply form; shown means read. */
export default function ThreadPage() {
  const params = useParams<{ threadId: string }>();
  const [query] = useSearchParams();
  const key = createMemo(() => [circleParam(query), params.threadId] as const, undefined, { equals: (a, b) => a[0] === b[0] && a[1] === b[1] });
  return (
    <Show when={key()} keyed>
      {([circle, threadId]) => <ThreadScreen circle={circle} threadId={threadId} />}
    </Show>
  );
}

function ThreadScreen(props: { circle: string | undefined; threadId: string }) {
  const { t } = useI18n();
  const data = createMessages(props.circle);
  announceArrivals(data, () => props.threadId);
  const back = () => <BackLink circle={props.circle} />;

  return (
    <Switch
      fallback={
        <>
          {back()}
          <PageTitle>{t('messages.title')}</PageTitle>
          <p role="status">{t('messages.loading')}</p>
        </>
      }
    >
      <Match when={data.failed()}>
        {back()}
        <PageTitle>{t('messages.title')}</PageTitle>
        <p class="error" role="alert">{t('messages.loadFailed')}</p>
      </Match>
      <Match when={data.unknownCircle()}>
        {back()}
        <PageTitle>{t('messages.title')}</PageTitle>
        <p class="card soft">{t('messages.unknownCircle')}</p>
      </Match>
      <Match when={data.ready() && data.thread(props.threadId)}>
        {(thread) => <ThreadView thread={thread()} data={data} circle={props.circle} />}
      </Match>
      <Match when={data.ready()}>
        {back()}
        <PageTitle>{t('messages.title')}</PageTitle>
        <p class="card soft">{t('messages.notFound')}</p>
      </Match>
    </Switch>
  );
}

function BackLink(props: { circle: string | undefined }) {
  const { t } = useI18n();
  return <A class="button link messages-back" href={messagesHref(props.circle)}><span aria-hidden="true">← </span>{t('messages.back')}</A>;
}

function ThreadView(props: { thread: Thread; data: MessagesData; circle: string | undefined }) {
  const { t } = useI18n();
  const messages = () => props.data.messagesOf(props.thread.id);
  const messageOf = (id: string) => messages().find((m) => m.id === id);

  // Shown means read: now, whenever a message arrives while it is on screen, and when the
  // person comes back to this tab (a hidden tab shows nothing).
  const markRead = () => {
    if (document.visibilityState === 'visible') void props.data.markRead(props.thread.id);
  };
  createEffect(on(messages, markRead));
  document.addEventListener('visibilitychange', markRead);
  onCleanup(() => document.removeEventListener('visibilitychange', markRead));

  return (
    <>
      <BackLink circle={props.circle} />
      <PageTitle>{props.thread.subject}</PageTitle>
      <CrisisNote />
      <ol class="plain message-list" aria-label={t('messages.title')}>
        {/* Keyed by id, so an open edit form survives another message arriving. */}
        <For each={messages().map((m) => m.id)}>
          {(id) => <Show when={messageOf(id)}>{(m) => <MessageItem message={m()} data={props.data} />}</Show>}
        </For>
      </ol>
      <Show when={messages().length === 0}><p class="muted">{t('messages.noMessages')}</p></Show>
      <Show when={props.data.readOnly()} fallback={<ReplyForm data={props.data} threadId={props.thread.id} />}>
        <p class="card alert">{t('messages.readOnly')}</p>
      </Show>
    </>
  );
}
