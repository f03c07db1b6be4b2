// A relay message framed as one WebSocket binary frame (RFC 6455 section 5.2), server to
// client: FIN and opcode 2, no mask, the payload length in 7, 7+16 or 7+64 bits. The relay
// frames a fan-out page once and writes the same bytes to every subscriber's socket,
// instead of having ws build a header, an options object and two writes per subscriber.
// Only for servers without permessage-deflate (the relay never negotiates it).

/** The WebSocket frame carrying `payload` as one unfragmented binary message. */
export function wsBinaryFrame(payload: Uint8Array): Buffer {
  const n = payload.length;
  const headerBytes = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const out = Buffer.allocUnsafe(headerBytes + n);
  out[0] = 0x82;
  if (n < 126) out[1] = n;
  else if (n < 65_536) {
    out[1] = 126;
    out.writeUInt16BE(n, 2);
  } else {
    out[1] = 127;
    out.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
    out.writeUInt32BE(n >>> 0, 6);
  }
  out.set(payload, headerBytes);
  return out;
}
