import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

// DESIGN.md: "domain -> nothing". This keeps that checkable until a lint rule does it too.
const DOMAIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src/domain');
const ALLOWED_PACKAGES = new Set(['ulidx']);

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

test('src/domain imports only itself and ulidx', () => {
  const offenders: string[] = [];
  for (const file of tsFiles(DOMAIN)) {
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]/g)) {
      const spec = m[1] ?? '';
      const ok = spec.startsWith('.')
        ? !relative(DOMAIN, resolve(dirname(file), spec)).startsWith('..')
        : ALLOWED_PACKAGES.has(spec);
      if (!ok) offenders.push(`${relative(DOMAIN, file)} -> ${spec}`);
    }
    if (/\b(window|document|indexedDB|fetch|localStorage)\s*[.(]/.test(source)) offenders.push(`${relative(DOMAIN, file)} uses a browser API`);
  }
  expect(offenders).toEqual([]);
});
