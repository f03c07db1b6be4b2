import { QrCode } from './QrCode';
import { copyWithToast } from './toast';

/**
 * A link to hand to another device: its QR code, the link itself to select, and a copy
 * button. All words come from the caller (each feature has its own).
 */
export function LinkWithQr(props: { url: string; inputId: string; words: { qr: string; label: string; copy: string; copied: string; copyFailed: string } }) {
  return (
    <>
      <QrCode text={props.url} label={props.words.qr} />
      <label for={props.inputId}>{props.words.label}</label>
      <textarea id={props.inputId} readonly rows="4" value={props.url} onFocus={(e) => e.currentTarget.select()} />
      <button type="button" class="button" onClick={() => void copyWithToast(props.url, { copied: props.words.copied, failed: props.words.copyFailed })}>{props.words.copy}</button>
    </>
  );
}
