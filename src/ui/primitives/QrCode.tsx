import qrcode from 'qrcode-generator';
import { createMemo } from 'solid-js';

/**
 * A QR code of a text as an SVG path (qrcode-generator computes the modules; no canvas, no
 * image request), dark on white with the quiet zone scanners need, scaling to its box.
 */
export function QrCode(props: { text: string; label: string }) {
  const code = createMemo(() => {
    const qr = qrcode(0, 'M');
    qr.addData(props.text, 'Byte');
    qr.make();
    const n = qr.getModuleCount();
    let d = '';
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.isDark(r, c)) d += `M${c + 4} ${r + 4}h1v1h-1z`;
    return { size: n + 8, d };
  });
  return (
    <svg class="qr" role="img" aria-label={props.label} viewBox={`0 0 ${code().size} ${code().size}`} shape-rendering="crispEdges">
      <rect width="100%" height="100%" fill="#fff" />
      <path d={code().d} fill="#000" />
    </svg>
  );
}
