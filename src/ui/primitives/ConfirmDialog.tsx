import { createEffect, type JSX } from 'solid-js';

let dialogCounter = 0;

/**
 * A modal confirmation built on the native <dialog>: the browser traps focus, Escape
 * cancels, and focus returns to the opener on close.
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children?: JSX.Element;
  confirmLabel: string;
  cancelLabel: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  let dialog!: HTMLDialogElement;
  createEffect(() => {
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  });
  const titleId = `dlg-${++dialogCounter}`;
  return (
    <dialog ref={dialog} aria-labelledby={titleId} onCancel={(e) => { e.preventDefault(); props.onCancel(); }}>
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
      <div class="actions">
        <button type="button" class="button" onClick={() => props.onCancel()}>{props.cancelLabel}</button>
        <button type="button" class={`button ${props.danger ? 'danger' : 'primary'}`} onClick={() => props.onConfirm()}>{props.confirmLabel}</button>
      </div>
    </dialog>
  );
}
