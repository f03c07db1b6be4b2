import { For, Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';

let pinCounter = 0;

/**
 * A PIN input with a large number pad: typing works (keyboard, screen readers), and the pad
 * serves fingers on a tablet. Digits only; the value is never shown.
 */
export function PinField(props: { label: string; value: string; onInput: (v: string) => void; error?: string; hint?: string; pad?: boolean; autofocus?: boolean }) {
  const { t } = useI18n();
  const id = `pin-${++pinCounter}`;
  const describedBy = () => [props.hint ? `${id}-hint` : '', props.error ? `${id}-error` : ''].join(' ').trim() || undefined;
  const set = (v: string) => props.onInput(v.replace(/[^0-9]/g, '').slice(0, 12));
  let input!: HTMLInputElement;
  return (
    <div class="field pin-field" classList={{ invalid: !!props.error }}>
      <label for={id}>{props.label}</label>
      <Show when={props.hint}><p class="hint" id={`${id}-hint`}>{props.hint}</p></Show>
      <input
        ref={input}
        id={id}
        type="password"
        inputmode="numeric"
        autocomplete="off"
        maxLength={12}
        value={props.value}
        autofocus={props.autofocus}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy()}
        onInput={(e) => { set(e.currentTarget.value); e.currentTarget.value = props.value; }}
      />
      <Show when={props.error}><p class="error" id={`${id}-error`} role="alert">{props.error}</p></Show>
      <Show when={props.pad}>
        <div class="pin-pad" role="group" aria-label={t('kiosk.lock.keypad')}>
          <For each={['1', '2', '3', '4', '5', '6', '7', '8', '9']}>
            {(d) => <button type="button" class="button pin-key" aria-label={t('kiosk.lock.digit', { d })} onClick={() => set(props.value + d)}>{d}</button>}
          </For>
          <button type="button" class="button pin-key" aria-label={t('kiosk.lock.delete')} onClick={() => { set(props.value.slice(0, -1)); input.focus(); }}>⌫</button>
          <button type="button" class="button pin-key" aria-label={t('kiosk.lock.digit', { d: '0' })} onClick={() => set(`${props.value}0`)}>0</button>
        </div>
      </Show>
    </div>
  );
}
