import { onMount, type JSX } from 'solid-js';
import { useI18n } from '../i18n/i18n';

/**
 * The page's single h1. It takes focus when the page mounts so screen-reader and keyboard
 * users land on the new screen after navigation, and it sets the document title.
 */
export function PageTitle(props: { children: string; sub?: JSX.Element }) {
  const { t } = useI18n();
  let el!: HTMLHeadingElement;
  onMount(() => {
    document.title = `${props.children} · ${t('app.name')}`;
    // Only move focus after an in-app navigation, not on the very first load.
    if (document.body.dataset.navigated === 'yes') el.focus({ preventScroll: false });
  });
  return (
    <header class="page-title">
      <h1 ref={el} tabindex="-1">{props.children}</h1>
      {props.sub}
    </header>
  );
}
