import { createSignal, For, Match, Show, Switch } from 'solid-js';
import { createPracticeItem } from '../../../domain';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { PageTitle } from '../../primitives/PageTitle';
import { showToast } from '../../primitives/toast';
import { ArchivedPractices } from './ArchivedPractices';
import { createPractice } from './createPractice';
import { PracticeItemCard } from './PracticeItemCard';
import { PracticeItemForm } from './PracticeItemForm';
import { PracticeStarters, type Starter } from './PracticeStarters';
import { RecentLogs } from './RecentLogs';
import { WeekSummary } from './WeekSummary';
import './practice.css';

/** /practice: the patient's own home practices, one-tap logging, and this week's adherence. */
export default function PracticePage() {
  const { t } = useI18n();
  const data = createPractice();
  const [adding, setAdding] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  let addButton: HTMLButtonElement | undefined;

  async function addStarter(s: Starter) {
    setBusy(true);
    const built = createPracticeItem({
      name: t(`practice.starters.${s.key}.name` as MessageKey),
      instructions: t(`practice.starters.${s.key}.instructions` as MessageKey),
      category: s.category,
      minutes: s.minutes,
      timesPerWeek: s.timesPerWeek,
    }, new Date());
    const result = built.ok ? await data.save(built.value) : null;
    setBusy(false);
    if (result?.ok) showToast({ message: t('practice.form.added') });
    else showToast({ message: t(result && !result.ok && result.error.kind === 'message' ? result.error.key : 'practice.errors.saveFailed'), tone: 'error' });
  }

  const adherenceOf = (id: string) => data.adherence().items.find((a) => a.itemId === id);
  const itemOf = (id: string) => data.active().find((i) => i.id === id);

  return (
    <>
      <PageTitle>{t('practice.title')}</PageTitle>
      <p>{t('practice.intro')}</p>
      <Switch fallback={<p role="status">{t('practice.loading')}</p>}>
        <Match when={data.failed()}><p class="error" role="alert">{t('practice.loadFailed')}</p></Match>
        <Match when={data.items() !== undefined}>
          <Show when={data.active().length > 0}>
            <WeekSummary week={data.adherence().week} overall={data.adherence().overall} />
          </Show>
          <Show when={data.active().length === 0 && !adding()}>
            <PracticeStarters busy={busy()} hasArchived={data.archived().length > 0} onStarter={addStarter} onOwn={() => setAdding(true)} />
          </Show>
          <Show when={data.active().length > 0}>
            <section aria-labelledby="practice-list-h">
              <h2 id="practice-list-h">{t('practice.item.listHeading')}</h2>
              <ul class="plain">
                {/* Keyed by id (strings compare by value): each live-query run returns new objects,
                    and a card must keep its open form and focus across them. */}
                <For each={data.active().map((i) => i.id)}>
                  {(id) => (
                    <Show when={itemOf(id)}>
                      {(item) => <PracticeItemCard item={item()} adherence={adherenceOf(id)} data={data} />}
                    </Show>
                  )}
                </For>
              </ul>
            </section>
          </Show>
          <Show
            when={adding()}
            fallback={
              <Show when={data.active().length > 0}>
                <div class="actions">
                  <button ref={addButton} type="button" class="button" onClick={() => setAdding(true)}>
                    <span aria-hidden="true">+</span> {t('practice.form.addButton')}
                  </button>
                </div>
              </Show>
            }
          >
            <PracticeItemForm data={data} onDone={(saved) => {
              setAdding(false);
              if (saved) showToast({ message: t('practice.form.added') });
              queueMicrotask(() => addButton?.focus());
            }} />
          </Show>
          <ArchivedPractices data={data} />
          <RecentLogs data={data} />
        </Match>
      </Switch>
    </>
  );
}
