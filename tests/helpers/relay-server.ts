// Starts a real relay in-process on a free port for tests (memory store unless a data
// directory or store is given), and sets up a circle whose genesis is already published.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, type ServerOptions, startServer } from '../../sync-server/server';
import { type Circle, RelayClient, makeCircle } from './relay-client';

export type TestRelayOptions = Partial<Omit<ServerOptions, 'port' | 'host'>>;

/** A relay on 127.0.0.1 with an ephemeral port and no static app. */
export function startTestRelay(options: TestRelayOptions = {}): Promise<RunningServer> {
  return startServer({ port: 0, host: '127.0.0.1', staticDir: join(tmpdir(), 'paceline-no-app'), logLevel: 'silent', ...options });
}

/** A fresh temporary directory and its removal. */
export function tempDir(prefix = 'paceline-relay-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A circle whose genesis the owner's phone has published on this relay. */
export async function publishedCircle(relay: RunningServer, circleId?: string, seedBase?: number): Promise<Circle> {
  const circle = await makeCircle(circleId, seedBase);
  const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
  const published = await phone.publish([circle.genesis]);
  phone.close();
  if (published !== 'ok') throw new Error(`genesis refused: ${published.code}`);
  return circle;
}
