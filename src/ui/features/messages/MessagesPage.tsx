import { createMemo, createSignal, Match, Show, Switch } from 'solid-js';
import { useNavigate, useSearchParams } from '@solidjs/router';
import { useI18n } from '../../i18n/i18n';
import { PageTitle } from '../../primitives/PageTitle';
import { announceArrivals } from './arrivals';
import { createMessages } from './createMessages';
import { CrisisNote } from './CrisisNote';
import { NewThreadForm } from './NewThreadForm';
import { circleParam, messagesHref } from './paths';
import { ThreadList } from './ThreadList';
import './messages.css';

/** /messages: the circle's conversations, newest activity first, and a new one. ?circle= names a clinician's patient. */
export default function MessagesPage() {
  const [query] = useSearchParams();
  // One screen per circle: switching circles starts over with that circle's documents.
  const circle = createMemo(() => [circleParam(query)] as const, undefined, { equals: (a, b) => a[0] === b[0] });
  return (
    <Show when={circle()} keyed>
      {([c]) => <MessagesScreen circle={c} />}
    </Show>
  );
}

function MessagesScreen(props: { circle: string | undefined }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const data = createMessages(props.circle);
  const [adding, setAdding] = createSignal(false);
  let addButton: HTMLButtonElement | undefined;
  announceArrivals(data);

  return (
    <>
      <PageTitle>{t('messages.title')}</PageTitle>
      <CrisisNote />
      <p>{t('messages.who')}</p>
      <Switch fallback={<p role="status">{t('messages.loading')}</p>}>
        <Match when={data.failed()}><p class="error" role="alert">{t('messages.loadFailed')}</p></Match>
        <Match when={data.unknownCircle()}><p class="card soft">{t('messages.unknownCircle')}</p></Match>
        <Match when={data.ready()}>
          <Show when={data.readOnly()}><p class="card alert">{t('messages.readOnly')}</p></Show>
          <Show when={!data.readOnly()}>
            <Show
              when={adding()}
              fallback={
                <div class="actions">
                  <button ref={addButton} type="button" class="button primary" onClick={() => setAdding(true)}>
                    <span aria-hidden="true">+</span> {t('messages.newButton')}
                  </button>
                </div>
              }
            >
              <NewThreadForm data={data} onDone={(thread) => {
                if (thread) return navigate(messagesHref(props.circle, thread.id));
                setAdding(false);
                queueMicrotask(() => addButton?.focus());
              }} />
            </Show>
          </Show>
          <Show when={data.summaries().length > 0} fallback={<p class="card soft messages-empty">{t('messages.empty')}</p>}>
            <ThreadList data={data} circle={props.circle} />
          </Show>
        </Match>
      </Switch>
    </>
  );
}
