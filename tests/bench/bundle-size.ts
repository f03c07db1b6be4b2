// Initial JavaScript per route, gzip: the entry chunk plus every chunk it (and the route's own
// lazy chunk) imports statically, read from vite's build manifest.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

interface ManifestChunk { file: string; src?: string; isEntry?: boolean; imports?: string[]; dynamicImports?: string[] }
type Manifest = Record<string, ManifestChunk>;

export const ROUTE_SOURCES: Record<string, string | null> = {
  '/': null, // Today ships in the entry chunk
  '/practice': 'src/ui/features/practice/PracticePage.tsx',
  '/checkins': 'src/ui/features/assessments/CheckinsPage.tsx',
  '/checkins/phq9': 'src/ui/features/assessments/AssessmentPage.tsx',
  '/history': 'src/ui/features/history/HistoryPage.tsx',
  '/crisis': 'src/ui/features/crisis/CrisisPage.tsx',
  '/settings': 'src/ui/features/settings/SettingsPage.tsx',
};

export interface RouteSize { route: string; gzipKB: number; files: string[]; hasChartJs: boolean; hasYjs: boolean }

function closure(manifest: Manifest, key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const dep of manifest[key]?.imports ?? []) closure(manifest, dep, seen);
  return seen;
}

/** Measures every route's initial JS from dist/. */
export function measureBundles(distDir = resolve(import.meta.dirname, '../../dist')): RouteSize[] {
  const manifest = JSON.parse(readFileSync(resolve(distDir, '.vite/manifest.json'), 'utf8')) as Manifest;
  const entryKey = Object.keys(manifest).find((k) => manifest[k]?.isEntry);
  if (!entryKey) throw new Error('no entry in the build manifest');
  const gz = new Map<string, number>();
  const sizeOf = (file: string) => {
    if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(resolve(distDir, file)), { level: 9 }).length);
    return gz.get(file)!;
  };
  return Object.entries(ROUTE_SOURCES).map(([route, src]) => {
    const keys = closure(manifest, entryKey);
    if (src) {
      if (!manifest[src]) throw new Error(`route ${route}: ${src} is not a chunk in the manifest`);
      const entryKeys = new Set(keys);
      closure(manifest, src, keys);
      // A route that loads a chunk as soon as it renders (History's charts) pays for it too:
      // follow the lazy imports of the route's own chunks (not the shell's).
      for (const k of [...keys].filter((k) => !entryKeys.has(k))) {
        for (const lazy of manifest[k]?.dynamicImports ?? []) closure(manifest, lazy, keys);
      }
    }
    const files = [...keys].map((k) => manifest[k]!.file).filter((f) => f.endsWith('.js'));
    const text = files.map((f) => readFileSync(resolve(distDir, f), 'utf8')).join('\n');
    return {
      route,
      gzipKB: files.reduce((sum, f) => sum + sizeOf(f), 0) / 1024,
      files,
      // Error strings survive minification; they identify the library reliably.
      hasChartJs: text.includes('Canvas is already in use'),
      hasYjs: /Unexpected content type|Yjs was already imported/.test(text),
    };
  });
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  for (const r of measureBundles()) console.log(`${r.route.padEnd(16)} ${r.gzipKB.toFixed(1).padStart(6)} KB gzip  chart.js:${r.hasChartJs ? 'yes' : 'no '} yjs:${r.hasYjs ? 'yes' : 'no'}`);
}
