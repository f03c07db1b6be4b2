// Where the relay listens, derived from its http(s) origin (usually the app's own origin):
// the relay protocol at /relay and y-webrtc signaling at /signal, both WebSocket.

/** The relay's WebSocket endpoints and its expected relay id (the WebSocket origin, as the relay names itself). */
export function relayEndpoints(relayUrl: string): { relay: string; signal: string; relayId: string } {
  const url = new URL(relayUrl);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  const base = `${url.protocol}//${url.host}`;
  return { relay: `${base}/relay`, signal: `${base}/signal`, relayId: base };
}
