import { Match, Switch } from 'solid-js';
import { useAppData } from '../app-data';
import TodayPage from '../features/diary/TodayPage';
import { page } from './lazy-page';

const PanelPage = page(['clinician', 'history', 'practice'], () => import('../features/clinician/PanelPage'));
const CaregiverHome = page(['circle'], () => import('../features/circle/CaregiverHome'));

/**
 * The landing route by who uses the device: a patient's Today (in the main bundle, it must
 * be quick), a clinician's panel, or a caregiver's home (Today when the patient shares the
 * diary with them, else what they can do).
 */
export default function HomePage() {
  const { role } = useAppData();
  return (
    <Switch fallback={<TodayPage />}>
      <Match when={role === 'clinician'}><PanelPage /></Match>
      <Match when={role === 'caregiver'}><CaregiverHome /></Match>
    </Switch>
  );
}
