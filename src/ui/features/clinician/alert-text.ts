/** An alert in plain words: its level, what the rule means, and the values that raised it. */
import type { Alert } from '../../../domain/circle/alerts';
import type { RedFlagLevel, RedFlagRuleId } from '../../../domain/red-flags';
import type { I18n, MessageKey } from '../../i18n/i18n';

type Words = Pick<I18n, 't' | 'formatNumber'>;

const RULE_KEY: Record<RedFlagRuleId, string> = {
  'phq9-item9': 'phq9Item9',
  'phq9-high': 'phq9High',
  'phq9-rise': 'phq9Rise',
  'gad7-high': 'gad7High',
  'peg-worse-sustained': 'pegWorse',
  'side-effect-severe': 'sideEffect',
  'no-data': 'noData',
};

export const LEVEL_KEY: Record<RedFlagLevel, MessageKey> = {
  urgent: 'clinician.patient.alerts.level.urgent',
  high: 'clinician.patient.alerts.level.high',
  low: 'clinician.patient.alerts.level.low',
};

export const LEVEL_ICON: Record<RedFlagLevel, string> = { urgent: '⚠', high: '▲', low: '●' };

/** The rule's name, e.g. "PHQ-9 total of 20 or more". */
export function alertTitle(w: Words, alert: Pick<Alert, 'ruleId'>): string {
  return w.t(`clinician.patient.alerts.rules.${RULE_KEY[alert.ruleId]}.title` as MessageKey);
}

/** What raised it, with its values: "PHQ-9 went from 9 to 15: up 6 points since the previous one." */
export function alertDetail(w: Words, alert: Pick<Alert, 'ruleId' | 'values'>): string {
  const v = alert.values;
  const n = (key: string) => (typeof v[key] === 'number' ? w.formatNumber(v[key]!, { maximumFractionDigits: 1 }) : '–');
  const params: Record<string, string> = {
    total: n('total'), previous: n('previous'), change: n('change'), current: n('current'), baseline: n('baseline'),
    days: n('days'), threshold: n('thresholdDays'),
  };
  if (alert.ruleId === 'phq9-item9') {
    const answer = Math.round(v['item9'] ?? 0);
    params['answer'] = answer >= 0 && answer <= 3 ? w.t(`clinician.patient.alerts.answers.a${answer}` as MessageKey) : n('item9');
  }
  return w.t(`clinician.patient.alerts.rules.${RULE_KEY[alert.ruleId]}.detail` as MessageKey, params);
}
