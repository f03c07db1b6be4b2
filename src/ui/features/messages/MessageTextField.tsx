import { MESSAGE_LIMITS } from '../../../domain';
import { useI18n } from '../../i18n/i18n';
import { Field } from '../../primitives/Field';

/**
 * The text of a message. No maxLength on purpose: the browser would cut a long paste without
 * a word, losing what was typed; the form says how much too long it is instead. The count
 * appears once the text nears the limit.
 */
export function MessageTextField(props: { label: string; value: string; onInput: (v: string) => void; error?: string }) {
  const { t, formatNumber } = useI18n();
  const max = MESSAGE_LIMITS.text;
  const hint = () => (props.value.length > max * 0.8 ? t('messages.count', { n: formatNumber(props.value.length), max: formatNumber(max) }) : undefined);
  return <Field label={props.label} type="textarea" value={props.value} onInput={props.onInput} error={props.error} hint={hint()} />;
}
