import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startServer, type RunningServer } from '../../sync-server/server';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

let running: RunningServer | undefined;
let dataDir: string | undefined;

/** Starts the real server (static app) once for the e2e project, on a free port, with the durable SQLite store as `npm start` runs it. */
export async function setup(project: TestProject): Promise<void> {
  const staticDir = process.env.STATIC_DIR ?? resolve(import.meta.dirname, '../../dist');
  if (!existsSync(resolve(staticDir, 'index.html'))) {
    throw new Error('dist/ is missing: run "npm run build" before the e2e tests (npm test does it).');
  }
  dataDir = mkdtempSync(join(tmpdir(), 'paceline-e2e-relay-'));
  running = await startServer({ port: 0, host: '127.0.0.1', staticDir, dataDir });
  project.provide('baseUrl', running.url);
}

export async function teardown(): Promise<void> {
  await running?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
