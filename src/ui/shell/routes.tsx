import { lazy } from 'solid-js';
import type { RouteDefinition } from '@solidjs/router';
import TodayPage from '../features/diary/TodayPage';
import NotFoundPage from './NotFoundPage';

/**
 * Today is the landing route and ships in the main bundle; every other screen is its own
 * chunk (History alone pulls in chart.js).
 */
export const routes: RouteDefinition[] = [
  { path: '/', component: TodayPage },
  { path: '/entry/:id', component: lazy(() => import('../features/diary/EditEntryPage')) },
  { path: '/practice', component: lazy(() => import('../features/practice/PracticePage')) },
  { path: '/checkins', component: lazy(() => import('../features/assessments/CheckinsPage')) },
  { path: '/checkins/:instrument', component: lazy(() => import('../features/assessments/AssessmentPage')) },
  { path: '/history', component: lazy(() => import('../features/history/HistoryPage')) },
  { path: '/crisis', component: lazy(() => import('../features/crisis/CrisisPage')) },
  { path: '/settings', component: lazy(() => import('../features/settings/SettingsPage')) },
  { path: '/link', component: lazy(() => import('../features/sharing/LinkPage')) },
  { path: '/about', component: lazy(() => import('../features/settings/AboutPage')) },
  { path: '*404', component: NotFoundPage },
];
