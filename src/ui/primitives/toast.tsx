import { createSignal, For, Show } from 'solid-js';

export interface Toast {
  id: number;
  message: string;
  action?: { label: string; run: () => void | Promise<void> };
  tone?: 'info' | 'error';
}

const [toasts, setToasts] = createSignal<Toast[]>([]);
let nextId = 1;
const timers = new Map<number, ReturnType<typeof setTimeout>>();

/** Shows a short message (with an optional action such as Undo) for about ten seconds. */
export function showToast(toast: Omit<Toast, 'id'>, ms = 10_000): number {
  const id = nextId++;
  setToasts((list) => [...list.slice(-2), { ...toast, id }]);
  timers.set(id, setTimeout(() => dismissToast(id), ms));
  return id;
}

/** Removes a toast now. */
export function dismissToast(id: number): void {
  clearTimeout(timers.get(id));
  timers.delete(id);
  setToasts((list) => list.filter((t) => t.id !== id));
}

/** Where toasts appear; announced politely to screen readers. */
export function ToastHost() {
  return (
    <div class="toasts" role="status" aria-live="polite">
      <For each={toasts()}>
        {(toast) => (
          <div class={`toast ${toast.tone ?? 'info'}`}>
            <span>{toast.message}</span>
            <Show when={toast.action}>
              {(action) => (
                <button
                  type="button"
                  class="button"
                  // Several toasts may be open; name each action after its own message.
                  aria-label={`${action().label}: ${toast.message}`}
                  onClick={async () => {
                    dismissToast(toast.id);
                    await action().run();
                  }}
                >
                  {action().label}
                </button>
              )}
            </Show>
          </div>
        )}
      </For>
    </div>
  );
}

/** Copies text to the clipboard and says how it went in a toast (a link the person shares by hand). */
export async function copyWithToast(text: string, words: { copied: string; failed: string }): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    showToast({ message: words.copied });
  } catch {
    showToast({ message: words.failed, tone: 'error' });
  }
}
