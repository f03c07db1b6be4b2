/** Words of the message screens: who wrote, when, a one-line excerpt, and form errors. */
import type { ValidationError } from '../../../domain';
import type { I18n, MessageKey, Translate } from '../../i18n/i18n';

/** The author as the others see them: the profile name, "(you)" for this device, or a neutral stand-in. */
export function authorLabel(t: Translate, by: string, me: string | undefined, name: string | undefined): string {
  if (by === me) return name ? t('messages.you', { name }) : t('messages.youAlone');
  return name ?? t('messages.someone');
}

/** A time shown with a message: the time alone today, the day and time this year, the full date before. */
export function whenLabel(i18n: Pick<I18n, 'formatDate'>, iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  if (at.toDateString() === now.toDateString()) return i18n.formatDate(at, { hour: 'numeric', minute: '2-digit' });
  if (at.getFullYear() === now.getFullYear()) return i18n.formatDate(at, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
  return i18n.formatDate(at, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The start of a message on one line, cut at a word near `max` characters. */
export function excerpt(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * One message per form field ('subject', 'text'), in words that say what to do; a text that
 * is too long says by how much, from what is typed now.
 */
export function fieldErrors(i18n: Pick<I18n, 't' | 'formatNumber'>, errors: readonly ValidationError[], typed: Readonly<Record<string, string>>): Record<string, string> {
  const { t, formatNumber: f } = i18n;
  const out: Record<string, string> = {};
  for (const e of errors) {
    const field = e.field;
    if (out[field] !== undefined) continue;
    if (e.code === 'required' && (field === 'subject' || field === 'text')) {
      out[field] = t(field === 'subject' ? 'messages.errors.subjectRequired' : 'messages.errors.textRequired');
    } else if (e.code === 'tooLong') {
      const max = Number(e.params?.['max'] ?? 0);
      const n = (typed[field] ?? '').length;
      out[field] = t('messages.errors.tooLong', { n: f(n), max: f(max), over: f(Math.max(1, n - max)) });
    } else {
      out[field] = t(`validation.${e.code}` as MessageKey, e.params);
    }
  }
  return out;
}
