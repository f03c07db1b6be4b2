import { For } from 'solid-js';
import type { PracticeCategory } from '../../../domain';
import { useI18n, type MessageKey } from '../../i18n/i18n';

export interface Starter {
  key: 'walk' | 'breathing' | 'stretching';
  category: PracticeCategory;
  minutes: number;
  timesPerWeek: number;
}

/** Common first practices, set up with one tap; the person can edit them afterwards. */
export const STARTERS: readonly Starter[] = [
  { key: 'walk', category: 'exercise', minutes: 10, timesPerWeek: 5 },
  { key: 'breathing', category: 'relaxation', minutes: 5, timesPerWeek: 7 },
  { key: 'stretching', category: 'exercise', minutes: 10, timesPerWeek: 3 },
];

/** The first-time view: what a practice is, a few one-tap starters, or make your own. */
export function PracticeStarters(props: { onStarter: (s: Starter) => void; onOwn: () => void; busy: boolean; hasArchived: boolean }) {
  const { t, tn, formatNumber } = useI18n();
  return (
    <section class="card soft" aria-labelledby="practice-empty-h">
      <h2 id="practice-empty-h">{props.hasArchived ? t('practice.empty.headingAgain') : t('practice.empty.heading')}</h2>
      <p>{props.hasArchived ? t('practice.empty.bodyAgain') : t('practice.empty.body')}</p>
      <h3>{t('practice.empty.startersLabel')}</h3>
      <ul class="plain practice-starters">
        <For each={STARTERS}>
          {(s) => {
            const name = () => t(`practice.starters.${s.key}.name` as MessageKey);
            return (
              <li>
                <button type="button" class="button big practice-starter" disabled={props.busy} onClick={() => props.onStarter(s)}>
                  <span>{t('practice.starters.addStarter', { name: name() })}</span>
                  <span class="practice-starter-detail">
                    {t('common.minutes', { n: formatNumber(s.minutes) })} · {tn('practice.item.perWeek', s.timesPerWeek)}
                  </span>
                </button>
              </li>
            );
          }}
        </For>
      </ul>
      <div class="actions">
        <button type="button" class="button" onClick={() => props.onOwn()}>{t('practice.empty.ownButton')}</button>
      </div>
    </section>
  );
}
