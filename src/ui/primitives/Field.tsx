import { Show, type JSX } from 'solid-js';

let fieldCounter = 0;

/** A labelled text, number, date or multi-line input with hint and error wired for screen readers. */
export function Field(props: {
  label: string;
  hint?: string;
  error?: string;
  value: string;
  onInput: (value: string) => void;
  type?: 'text' | 'password' | 'number' | 'datetime-local' | 'date' | 'time' | 'textarea';
  inputmode?: JSX.HTMLAttributes<HTMLInputElement>['inputmode'];
  min?: number;
  max?: number;
  step?: number | 'any';
  maxLength?: number;
  required?: boolean;
  autocomplete?: string;
}) {
  const id = `field-${++fieldCounter}`;
  const describedBy = () => [props.hint ? `${id}-hint` : '', props.error ? `${id}-error` : ''].join(' ').trim() || undefined;
  return (
    <div class="field" classList={{ invalid: !!props.error }}>
      <label for={id}>{props.label}</label>
      <Show when={props.hint}><p class="hint" id={`${id}-hint`}>{props.hint}</p></Show>
      <Show
        when={props.type === 'textarea'}
        fallback={
          <input
            id={id}
            type={props.type ?? 'text'}
            value={props.value}
            inputmode={props.inputmode}
            min={props.min}
            max={props.max}
            step={props.step}
            maxLength={props.maxLength}
            required={props.required}
            autocomplete={props.autocomplete ?? 'off'}
            aria-invalid={props.error ? 'true' : undefined}
            aria-describedby={describedBy()}
            onInput={(e) => props.onInput(e.currentTarget.value)}
          />
        }
      >
        <textarea
          id={id}
          rows={3}
          value={props.value}
          maxLength={props.maxLength}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={describedBy()}
          onInput={(e) => props.onInput(e.currentTarget.value)}
        />
      </Show>
      <Show when={props.error}><p class="error" id={`${id}-error`}>{props.error}</p></Show>
    </div>
  );
}
