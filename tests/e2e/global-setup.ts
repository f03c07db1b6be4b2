import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startServer, type RunningServer } from '../../sync-server/server';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

let running: RunningServer | undefined;

/** Starts the real server (static app) once for the e2e project, on a free port. */
export async function setup(project: TestProject): Promise<void> {
  const staticDir = process.env.STATIC_DIR ?? resolve(import.meta.dirname, '../../dist');
  if (!existsSync(resolve(staticDir, 'index.html'))) {
    throw new Error('dist/ is missing: run "npm run build" before the e2e tests (npm test does it).');
  }
  running = await startServer({ port: 0, host: '127.0.0.1', staticDir });
  project.provide('baseUrl', running.url);
}

export async function teardown(): Promise<void> {
  await running?.close();
}
