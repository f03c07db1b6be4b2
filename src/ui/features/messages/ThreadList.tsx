import { For, Show } from 'solid-js';
import { A } from '@solidjs/router';
import type { ThreadSummary } from '../../../domain';
import { useI18n } from '../../i18n/i18n';
import type { MessagesData } from './createMessages';
import { authorLabel, excerpt, whenLabel } from './message-text';
import { messagesHref } from './paths';

/** Conversations, newest activity first: subject, unread count, the last message's start, who and when. */
export function ThreadList(props: { data: MessagesData; circle: string | undefined }) {
  const { t } = useI18n();
  const summaryOf = (id: string) => props.data.summaries().find((s) => s.thread.id === id);
  return (
    <section aria-labelledby="messages-list-h">
      <h2 id="messages-list-h">{t('messages.listHeading')}</h2>
      <ul class="plain thread-list">
        {/* Keyed by id: each change makes new summaries, and a focused link must survive a message arriving. */}
        <For each={props.data.summaries().map((s) => s.thread.id)}>
          {(id) => <Show when={summaryOf(id)}>{(s) => <ThreadRow summary={s()} data={props.data} circle={props.circle} />}</Show>}
        </For>
      </ul>
    </section>
  );
}

function ThreadRow(props: { summary: ThreadSummary; data: MessagesData; circle: string | undefined }) {
  const i18n = useI18n();
  const { t } = i18n;
  const last = () => props.summary.lastMessage;
  return (
    <li class="card thread-item" classList={{ unread: props.summary.unread > 0 }}>
      <h3 class="thread-subject">
        <A href={messagesHref(props.circle, props.summary.thread.id)}>
          <span class="thread-subject-text">{props.summary.thread.subject}</span>
          <Show when={props.summary.unread > 0}>
            {' '}<span class="badge thread-unread">{t('messages.unread', { n: i18n.formatNumber(props.summary.unread) })}</span>
          </Show>
        </A>
      </h3>
      <Show when={last()} fallback={<p class="muted">{t('messages.noMessages')}</p>}>
        {(m) => (
          <>
            <p class="thread-excerpt">{excerpt(m().text)}</p>
            <p class="muted thread-by">
              {t('messages.byWhen', {
                name: authorLabel(t, m().by, props.data.me(), props.data.nameOf(m().by)),
                time: whenLabel(i18n, props.summary.lastActivityAt),
              })}
            </p>
          </>
        )}
      </Show>
    </li>
  );
}
