import { For, Show } from 'solid-js';

export interface NrsScaleProps {
  /** Unique name for the radio group. */
  name: string;
  legend: string;
  /** Extra line under the legend (recall period, anchors). */
  hint?: string;
  value: number | undefined;
  onChange: (value: number) => void;
  min?: number;
  max?: number;
  /** Words shown under the first, middle and last values. */
  anchors?: { low: string; mid?: string; high: string };
  error?: string;
  required?: boolean;
}

/**
 * A 0-10 numeric rating scale as a native radio group: arrow keys move between values,
 * each value is a large touch target, and screen readers read the anchors with the number.
 */
export function NrsScale(props: NrsScaleProps) {
  const min = () => props.min ?? 0;
  const max = () => props.max ?? 10;
  const values = () => Array.from({ length: max() - min() + 1 }, (_, i) => i + min());
  const mid = () => Math.round((min() + max()) / 2);
  const anchorFor = (v: number) =>
    v === min() ? props.anchors?.low : v === max() ? props.anchors?.high : v === mid() ? props.anchors?.mid : undefined;
  const errorId = () => `${props.name}-error`;
  const hintId = () => `${props.name}-hint`;
  return (
    <fieldset class="nrs" classList={{ invalid: !!props.error }} aria-describedby={[props.hint ? hintId() : '', props.error ? errorId() : ''].join(' ').trim() || undefined}>
      <legend>{props.legend}</legend>
      <Show when={props.hint}><p class="hint" id={hintId()}>{props.hint}</p></Show>
      <div class="nrs-values">
        <For each={values()}>
          {(v) => (
            <label class="nrs-value" classList={{ selected: props.value === v }}>
              <input
                type="radio"
                name={props.name}
                value={v}
                checked={props.value === v}
                required={props.required}
                aria-label={anchorFor(v) ? `${v}: ${anchorFor(v)}` : String(v)}
                onChange={() => props.onChange(v)}
              />
              <span class="nrs-number" aria-hidden="true">{v}</span>
            </label>
          )}
        </For>
      </div>
      <Show when={props.anchors}>
        {(a) => (
          <div class="nrs-anchors" aria-hidden="true">
            <span>{min()} = {a().low}</span>
            <Show when={a().mid}><span>{mid()} = {a().mid}</span></Show>
            <span>{max()} = {a().high}</span>
          </div>
        )}
      </Show>
      <Show when={props.error}><p class="error" id={errorId()}>{props.error}</p></Show>
    </fieldset>
  );
}
