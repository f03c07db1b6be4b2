import { For, Show } from 'solid-js';

export interface Choice<V extends string | number> {
  value: V;
  label: string;
}

/** A labelled radio group (one answer) or checkbox group (several) of large options. */
export function ChoiceGroup<V extends string | number>(props: {
  name: string;
  legend: string;
  hint?: string;
  choices: Choice<V>[];
  multiple?: boolean;
  value: V | V[] | undefined;
  onChange: (value: V | V[]) => void;
  error?: string;
  layout?: 'stack' | 'wrap';
}) {
  const isChecked = (v: V) => (Array.isArray(props.value) ? props.value.includes(v) : props.value === v);
  const toggle = (v: V) => {
    if (!props.multiple) return props.onChange(v);
    const current = Array.isArray(props.value) ? props.value : [];
    props.onChange(current.includes(v) ? current.filter((x) => x !== v) : [...current, v]);
  };
  return (
    <fieldset class={`choices ${props.layout ?? 'stack'}`} classList={{ invalid: !!props.error }}>
      <legend>{props.legend}</legend>
      <Show when={props.hint}><p class="hint">{props.hint}</p></Show>
      <div class="choice-list">
        <For each={props.choices}>
          {(c) => (
            <label class="choice" classList={{ selected: isChecked(c.value) }}>
              <input
                type={props.multiple ? 'checkbox' : 'radio'}
                name={props.name}
                value={String(c.value)}
                checked={isChecked(c.value)}
                onChange={() => toggle(c.value)}
              />
              <span>{c.label}</span>
            </label>
          )}
        </For>
      </div>
      <Show when={props.error}><p class="error">{props.error}</p></Show>
    </fieldset>
  );
}
