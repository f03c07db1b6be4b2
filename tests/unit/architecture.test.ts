// DESIGN.md's import rules, made checkable: ui -> storage, sync, domain; storage -> domain;
// sync -> storage, domain; domain -> nothing of ours; sync-server -> only src/sync/protocol*, codec*, crypto*.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return /\.(ts|tsx)$/.test(name) ? [p] : [];
  });
}

/** Every relative import of a file, resolved to a path relative to the repository root. */
function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
    const spec = m[1] ?? m[2];
    if (spec) out.push(relative(root, resolve(dirname(file), spec)));
  }
  return out;
}

const layer = (path: string) => path.split('/').slice(0, 2).join('/');

describe('import boundaries', () => {
  const allowed: Record<string, string[]> = {
    'src/domain': ['src/domain'],
    'src/storage': ['src/storage', 'src/domain'],
    'src/sync': ['src/sync', 'src/storage', 'src/domain'],
    'src/pwa': ['src/pwa'],
    'src/ui': ['src/ui', 'src/storage', 'src/sync', 'src/domain', 'src/pwa'],
  };
  for (const [from, to] of Object.entries(allowed)) {
    it(`${from} imports only ${to.join(', ')}`, () => {
      const bad = files(join(root, from)).flatMap((f) =>
        imports(f).filter((i) => !to.includes(layer(i))).map((i) => `${relative(root, f)} -> ${i}`),
      );
      expect(bad).toEqual([]);
    });
  }

  it('sync-server imports only shared protocol, codec and crypto code from src/', () => {
    const bad = files(join(root, 'sync-server')).flatMap((f) =>
      imports(f).filter((i) => i.startsWith('src/') && !/^src\/sync\/(protocol|codec|crypto)/.test(i)).map((i) => `${relative(root, f)} -> ${i}`),
    );
    expect(bad).toEqual([]);
  });

  it('the domain uses no DOM, Dexie, Yjs or network', () => {
    const bad = files(join(root, 'src/domain')).filter((f) => /from ['"](dexie|yjs|y-webrtc|solid-js)|\b(window|document|fetch|indexedDB|localStorage)\./.test(readFileSync(f, 'utf8')));
    expect(bad.map((f) => relative(root, f))).toEqual([]);
  });
});
