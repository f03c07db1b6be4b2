import { createResource, createSignal, Match, Show, Switch } from 'solid-js';
import { A } from '@solidjs/router';
import { useI18n } from '../../i18n/i18n';
import { useAppData } from '../../app-data';
import { PageTitle } from '../../primitives/PageTitle';

/**
 * /link#…: joins this device to the circle of a device link. The fragment is read once and
 * removed from the address bar and history, so the keys do not linger there.
 */
export default function LinkPage() {
  const { t, tn } = useI18n();
  const { db, circleId } = useAppData();
  const fragment = location.hash;
  history.replaceState(history.state, '', '/link');
  const [info] = createResource(async () => {
    const m = await import('./sharing-runtime');
    const link = m.readDeviceLink(fragment);
    return { m, link, own: link ? await m.countOwnEntries(db, circleId) : 0 };
  });
  const [phase, setPhase] = createSignal<'ask' | 'linking' | 'done' | 'failed' | 'same'>('ask');

  async function join() {
    const i = info();
    if (!i?.link) return;
    setPhase('linking');
    const outcome = await i.m.joinWithLink(db, circleId, i.link).catch((e: unknown) => {
      console.error('linking failed', e);
      return { ok: false as const, error: 'failed' as const };
    });
    if (outcome.ok) {
      setPhase('done');
      // The app reads its circle at start: open it again on the linked circle.
      setTimeout(() => location.assign('/'), 1500);
    } else setPhase(outcome.error === 'same-circle' ? 'same' : 'failed');
  }

  return (
    <>
      <PageTitle>{t('sharing.join.title')}</PageTitle>
      <Show when={info()} fallback={<p class="muted">{t('app.loading')}</p>}>
        {(i) => (
          <Show when={i().link} fallback={<p class="card alert" role="alert">{t('sharing.join.bad')}</p>}>
            <Switch>
              <Match when={phase() === 'ask' || phase() === 'linking'}>
                <p>{t('sharing.join.intro')}</p>
                <Show when={i().own > 0}><p>{tn('sharing.join.ownEntries', i().own)}</p></Show>
                <div class="actions">
                  <A class="button" href="/">{t('sharing.join.cancel')}</A>
                  <button type="button" class="button primary" aria-disabled={phase() === 'linking'} onClick={() => { if (phase() === 'ask') void join(); }}>
                    {phase() === 'linking' ? t('sharing.join.linking') : t('sharing.join.confirm')}
                  </button>
                </div>
              </Match>
              <Match when={phase() === 'done'}><p class="card" role="status">{t('sharing.join.done')}</p></Match>
              <Match when={phase() === 'same'}><p class="card" role="status">{t('sharing.join.same')}</p></Match>
              <Match when={phase() === 'failed'}><p class="card alert" role="alert">{t('sharing.join.failed')}</p></Match>
            </Switch>
            <Show when={phase() !== 'ask' && phase() !== 'linking'}>
              <div class="actions"><A class="button" href="/">{t('sharing.join.toToday')}</A></div>
            </Show>
          </Show>
        )}
      </Show>
    </>
  );
}
