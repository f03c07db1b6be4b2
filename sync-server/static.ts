import type { IncomingMessage, ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import sirv from 'sirv';

/**
 * Security headers for every response: the app talks to nothing but its own origin
 * (the relay lives here too), so the browser enforces "no third-party requests".
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
    "connect-src 'self' ws: wss:; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Permissions-Policy': 'geolocation=(), microphone=(self), camera=(self), interest-cohort=()',
};

export type StaticHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** Serves the built app from `dir` with SPA fallback; returns null when it has not been built. */
export function createStaticHandler(dir: string): StaticHandler | null {
  if (!existsSync(dir)) return null;
  return sirv(dir, {
    single: true,
    etag: true,
    gzip: false,
    setHeaders(res, pathname) {
      // Hashed assets never change; everything else (index.html, sw.js, manifest) must
      // revalidate so that a deploy reaches installed apps through the update prompt.
      if (pathname.startsWith('/assets/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      else res.setHeader('Cache-Control', 'no-cache');
    },
  });
}
