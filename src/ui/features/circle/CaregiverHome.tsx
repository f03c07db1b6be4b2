import { Show } from 'solid-js';
import { A } from '@solidjs/router';
import { useI18n } from '../../i18n/i18n';
import { useAppData } from '../../app-data';
import { createLiveQuery } from '../../primitives/create-live-query';
import { PageTitle } from '../../primitives/PageTitle';
import TodayPage from '../diary/TodayPage';
import './circle.css';

/**
 * A caregiver's landing screen: Today (entries marked as entered by the caregiver) when the
 * patient shares the diary with them, which this device knows by holding the journal key;
 * otherwise what they can do here, in plain words.
 */
export default function CaregiverHome() {
  const { t } = useI18n();
  const { db, circleId } = useAppData();
  const keys = createLiveQuery(() => db.docKeys.where('[docKey+epoch]').between([`${circleId}/journal`, 0], [`${circleId}/journal`, Infinity]).count());
  return (
    <Show when={keys() !== undefined}>
      <Show when={(keys() ?? 0) > 0} fallback={
        <>
          <PageTitle>{t('nav.today')}</PageTitle>
          <section class="card soft">
            <p>{t('circle.caregiver.noDiary')}</p>
            <div class="actions">
              <A class="button primary" href="/plan">{t('circle.caregiver.plan')}</A>
              <A class="button" href="/messages">{t('circle.caregiver.messages')}</A>
              <A class="button" href="/care-team">{t('circle.team.title')}</A>
            </div>
          </section>
        </>
      }>
        <p class="card soft">{t('circle.caregiver.onBehalf')}</p>
        <TodayPage />
      </Show>
    </Show>
  );
}
