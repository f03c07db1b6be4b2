import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../sync-server/server';

describe('server static hosting', () => {
  let dir: string;
  let running: RunningServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paceline-static-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Paceline</title>');
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
    writeFileSync(join(dir, 'sw.js'), 'self.x=1');
    running = await startServer({ port: 0, host: '127.0.0.1', staticDir: dir });
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers /healthz', async () => {
    const res = await fetch(new URL('/healthz', running.url));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('serves index.html for app routes (SPA fallback) with a strict CSP', async () => {
    const res = await fetch(new URL('/history', running.url));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Paceline</title>');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    // WebAssembly (hash-wasm's Argon2id) may compile, but no eval and no outside script.
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval';");
    expect(csp).not.toContain("'unsafe-eval'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('caches hashed assets forever and the service worker never', async () => {
    const asset = await fetch(new URL('/assets/app-abc123.js', running.url));
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const sw = await fetch(new URL('/sw.js', running.url));
    expect(sw.headers.get('cache-control')).toBe('no-cache');
  });

  it('says plainly when the app has not been built', async () => {
    const empty = await startServer({ port: 0, host: '127.0.0.1', staticDir: join(dir, 'missing') });
    try {
      const res = await fetch(new URL('/', empty.url));
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('npm start');
    } finally {
      await empty.close();
    }
  });
});
