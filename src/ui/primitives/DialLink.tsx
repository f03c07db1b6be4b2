import { Show, type JSX } from 'solid-js';
import { useAppData } from '../app-data';

/**
 * A tel: or sms: link; on a clinic tablet (kiosk) the same words as plain text, since the
 * kiosk shows no links out of the app (a tablet has no phone app to hand over to).
 */
export function DialLink(props: { href: string; class: string; children: JSX.Element }) {
  const app = useAppData();
  return (
    <Show when={!app.kiosk} fallback={<p class="dial-text">{props.children}</p>}>
      <a class={props.class} href={props.href}>{props.children}</a>
    </Show>
  );
}
