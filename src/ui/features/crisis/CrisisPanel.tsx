import { For, onMount, Show, type JSX } from 'solid-js';
import { DialLink } from '../../primitives/DialLink';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { createCrisisPlans, createCrisisResources } from './createCrisis';
import { CrisisPlanCard } from './CrisisPlanCard';
import { dialString } from './crisis-plan';
import { crisisLinesFor } from '../../../domain/crisis-lines';
import './crisis.css';

let panelCounter = 0;

/**
 * Crisis help in one block: the person's crisis plans (care team's first, then their own), the
 * crisis lines of their region as big call / text buttons, and the emergency number.
 * Reads only the local database, so it shows at once and offline. With `focusOnMount` it takes
 * focus when it appears (used when a PHQ-9 answer reveals it), so nobody can miss it; `alert`
 * makes it an alert region there (not on the crisis screen, where it is simply the content).
 */
export function CrisisPanel(props: { intro: string; focusOnMount?: boolean; alert?: boolean; region?: string; children?: JSX.Element }) {
  const { t } = useI18n();
  // With a region given (a waiting-room visit, which holds no crisis plan and whose database
  // may be gone already), nothing is read from storage.
  const fixed = props.region;
  const resources = fixed !== undefined ? () => crisisLinesFor(fixed) : createCrisisResources();
  const plans = fixed !== undefined ? () => undefined : createCrisisPlans();
  const id = `crisis-panel-${++panelCounter}`;
  let heading!: HTMLHeadingElement;
  let panel!: HTMLElement;
  onMount(() => {
    if (!props.focusOnMount) return;
    // Bring the whole panel into view from its top (plain focus() would leave it at the screen's
    // bottom edge, the call buttons hidden under the navigation bar).
    heading.focus({ preventScroll: true });
    panel.scrollIntoView({ block: 'start' });
  });
  return (
    <section ref={panel} class="card alert crisis-panel" role={props.alert ? 'alert' : undefined} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} ref={heading} tabindex="-1">{t('crisis.panel.heading')}</h2>
      <p>{props.intro}</p>
      <For each={plans()?.plans ?? []}>{(plan) => <CrisisPlanCard plan={plan} level={3} />}</For>
      <Show when={resources()}>
        {(res) => (
          <>
            <h3>{t('crisis.panel.linesHeading')}</h3>
            <ul class="plain crisis-lines">
              <For each={res().lines}>
                {(line) => (
                  <li>
                    <p class="crisis-line-name">{t(line.labelKey as MessageKey)}</p>
                    <div class="crisis-actions">
                      <DialLink class="button big primary" href={`tel:${dialString(line.phone)}`}>{t('crisis.panel.call', { number: line.phone })}</DialLink>
                      <Show when={line.sms}>
                        {(sms) => <DialLink class="button big" href={`sms:${dialString(sms())}`}>{t('crisis.panel.text', { number: sms() })}</DialLink>}
                      </Show>
                    </div>
                    <Show when={line.noteKey}>{(note) => <p>{t(note() as MessageKey)}</p>}</Show>
                  </li>
                )}
              </For>
            </ul>
            <div class="crisis-emergency">
              <h3>{t('crisis.panel.emergencyHeading', { number: res().emergency })}</h3>
              <p>{t('crisis.panel.emergencyText')}</p>
              <DialLink class="button big danger" href={`tel:${dialString(res().emergency)}`}>{t('crisis.panel.callEmergency', { number: res().emergency })}</DialLink>
            </div>
          </>
        )}
      </Show>
      {props.children}
    </section>
  );
}
