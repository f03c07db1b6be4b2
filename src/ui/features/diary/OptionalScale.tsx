import { Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { NrsScale } from '../../primitives/NrsScale';

/** A 0-10 scale that may be left unanswered: a Clear button undoes a tap made by mistake. */
export function OptionalScale(props: {
  name: string;
  legend: string;
  low: string;
  high: string;
  value: number | undefined;
  onChange: (value: number | undefined) => void;
  error?: string;
}) {
  const { t } = useI18n();
  return (
    <div class="optional-scale">
      <NrsScale
        name={props.name}
        legend={props.legend}
        value={props.value}
        onChange={(v) => props.onChange(v)}
        anchors={{ low: props.low, high: props.high }}
        error={props.error}
      />
      <Show when={props.value !== undefined}>
        <button type="button" class="button link" aria-label={t('diary.form.clearLabel', { field: props.legend })} onClick={() => props.onChange(undefined)}>
          {t('diary.form.clear')}
        </button>
      </Show>
    </div>
  );
}
