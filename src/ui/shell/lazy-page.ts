import { lazy, type Component } from 'solid-js';
import { ensureStrings } from '../i18n/i18n';
import type { LazyNamespace } from '../i18n/catalog-parts';

/** A screen in its own chunk, shown once its code and its strings (in the person's language) have loaded. */
export function page(strings: readonly LazyNamespace[], load: () => Promise<{ default: Component<any> }>) {
  return lazy(async () => (await Promise.all([load(), ensureStrings(strings)]))[0]);
}
