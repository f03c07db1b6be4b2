// The `ws` package, loaded by file path. Vitest starts its workers with
// `--conditions browser` (vite-plugin-solid adds that condition for solid-js), and ws's
// "browser" export is a stub that throws; even require() honours the flag. Requiring
// ws's Node entry by path works the same under vitest, tsx and plain node.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as WsModule from 'ws';

const require = createRequire(import.meta.url);
const ws = require(join(dirname(require.resolve('ws/package.json')), 'index.js')) as typeof WsModule;

/** ws's WebSocket class (client and server side). */
export const WebSocket = ws.WebSocket;
/** ws's server, used with noServer: the HTTP server routes upgrades by path. */
export const WebSocketServer = ws.WebSocketServer;
export type WebSocket = WsModule.WebSocket;
export type WebSocketServer = WsModule.WebSocketServer;
export type ClientOptions = WsModule.ClientOptions;
