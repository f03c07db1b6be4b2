import { Show } from 'solid-js';

/**
 * A labelled password input with hint and error wired for screen readers, like the Field
 * primitive. Never remembered by the browser: these forms run on shared devices too.
 */
export function PasswordField(props: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  value: string;
  onInput: (value: string) => void;
  disabled?: boolean;
  ref?: (el: HTMLInputElement) => void;
}) {
  const describedBy = () => [props.hint ? `${props.id}-hint` : '', props.error ? `${props.id}-error` : ''].join(' ').trim() || undefined;
  return (
    <div class="field" classList={{ invalid: !!props.error }}>
      <label for={props.id}>{props.label}</label>
      <Show when={props.hint}><p class="hint" id={`${props.id}-hint`}>{props.hint}</p></Show>
      <input
        ref={props.ref}
        id={props.id}
        type="password"
        autocomplete="off"
        autocapitalize="off"
        spellcheck={false}
        value={props.value}
        disabled={props.disabled}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy()}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
      <Show when={props.error}><p class="error" id={`${props.id}-error`}>{props.error}</p></Show>
    </div>
  );
}

/** Resolves after the browser has painted: Argon2id then holds the main thread for about a second, behind a visible status. */
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}
