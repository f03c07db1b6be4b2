// Sends prepared frames to the relay from a worker thread, so that the cost of producing
// and masking 10,000 hostile frames does not land on the event loop of the relay under test.
// Plain JavaScript: vitest does not transform worker files. workerData: { url, plans } where
// each plan is the list of frames (Uint8Array) one connection sends as fast as it can.
// Protocol: the worker posts 'ready', waits for any message, attacks, posts the results.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

// By path, like sync-server/ws.ts: the worker inherits vitest's `--conditions browser`.
const require = createRequire(import.meta.url);
const { WebSocket } = require(join(dirname(require.resolve('ws/package.json')), 'index.js'));

const { url, plans } = workerData;
// Start only when told to, so that the test can time its good client from the first frame.
await new Promise((resolve) => {
  parentPort.once('message', resolve);
  parentPort.postMessage('ready');
});
const results = await Promise.all(
  plans.map(async (frames) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('error', () => {});
    const closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    await new Promise((resolve) => ws.once('open', resolve));
    let sent = 0;
    for (const frame of frames) {
      if (ws.readyState !== WebSocket.OPEN) break;
      ws.send(frame, { binary: true });
      sent++;
    }
    return { sent, ...(await closed) };
  }),
);
parentPort.postMessage(results);
