import { For, Show } from 'solid-js';
import { DialLink } from '../../primitives/DialLink';
import { Dynamic } from 'solid-js/web';
import { useI18n } from '../../i18n/i18n';
import { dialString, type CrisisPlanView } from './crisis-plan';

/**
 * One crisis plan, read-only: the people to call as big call buttons, then what helps.
 * Used for the patient's own plan now and the care team's plan once care plans exist.
 */
export function CrisisPlanCard(props: { plan: CrisisPlanView; level: 2 | 3 }) {
  const { t } = useI18n();
  const heading = () => `h${props.level}` as const;
  const sub = () => `h${props.level + 1}` as const;
  return (
    <div class="crisis-plan">
      <Dynamic component={heading()}>
        {props.plan.source === 'care-team' ? t('crisis.plan.careTeamHeading') : t('crisis.plan.ownHeading')}
      </Dynamic>
      <Show when={props.plan.steps && props.plan.steps.length > 0}>
        <ol>
          <For each={props.plan.steps}>{(step) => <li>{step}</li>}</For>
        </ol>
      </Show>
      <Show when={props.plan.people.length > 0}>
        <Dynamic component={sub()}>{t('crisis.plan.peopleHeading')}</Dynamic>
        <ul class="plain crisis-people">
          <For each={props.plan.people}>
            {(person) => (
              <li>
                <DialLink class="button big" href={`tel:${dialString(person.phone)}`}>{t('crisis.plan.callPerson', { name: person.name })}</DialLink>
                <span class="crisis-phone">{person.phone}</span>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={props.plan.helps.length > 0}>
        <Dynamic component={sub()}>{t('crisis.plan.helpsHeading')}</Dynamic>
        <ul class="crisis-helps">
          <For each={props.plan.helps}>{(help) => <li>{help}</li>}</For>
        </ul>
      </Show>
    </div>
  );
}
