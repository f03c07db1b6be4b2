import type { RouteDefinition } from '@solidjs/router';
import HomePage from './HomePage';
import NotFoundPage from './NotFoundPage';
import { page } from './lazy-page';

/**
 * Today is the landing route and ships in the main bundle; every other screen is its own
 * chunk (History alone pulls in chart.js), with its feature's strings.
 */
export const routes: RouteDefinition[] = [
  { path: '/', component: HomePage },
  { path: '/entry/:id', component: page([], () => import('../features/diary/EditEntryPage')) },
  { path: '/practice', component: page(['practice'], () => import('../features/practice/PracticePage')) },
  { path: '/checkins', component: page(['assessments', 'crisis'], () => import('../features/assessments/CheckinsPage')) },
  { path: '/checkins/:instrument', component: page(['assessments', 'crisis'], () => import('../features/assessments/AssessmentPage')) },
  { path: '/history', component: page(['history'], () => import('../features/history/HistoryPage')) },
  { path: '/crisis', component: page(['crisis'], () => import('../features/crisis/CrisisPage')) },
  { path: '/settings', component: page(['settings', 'circle', 'kiosk'], () => import('../features/settings/SettingsPage')) },
  { path: '/kiosk/setup', component: page(['kiosk'], () => import('../features/kiosk/KioskSetupPage')) },
  { path: '/kiosk/return', component: page(['kiosk', 'settings'], () => import('../features/kiosk/ReturnDevicePage')) },
  { path: '/intake', component: page(['kiosk'], () => import('../features/kiosk/intake/IntakeElsewherePage')) },
  { path: '/messages', component: page(['messages'], () => import('../features/messages/MessagesPage')) },
  { path: '/messages/:threadId', component: page(['messages'], () => import('../features/messages/ThreadPage')) },
  { path: ['/join', '/link'], component: page(['circle'], () => import('../features/circle/JoinPage')) },
  { path: '/care-team', component: page(['circle'], () => import('../features/circle/CareTeamPage')) },
  { path: '/circles/new', component: page(['circle'], () => import('../features/circle/NewCirclePage')) },
  { path: '/panel', component: page(['clinician', 'history', 'practice'], () => import('../features/clinician/PanelPage')) },
  { path: '/patients/:circleId', component: page(['clinician', 'history', 'practice'], () => import('../features/clinician/PatientPage')) },
  { path: ['/plan', '/plan/:circleId'], component: page(['crisis'], () => import('../features/plan/PlanPage')) },
  { path: '/about', component: page(['settings'], () => import('../features/settings/AboutPage')) },
  { path: '*404', component: NotFoundPage },
];
