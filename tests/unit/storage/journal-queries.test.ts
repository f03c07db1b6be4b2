import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getLatestScores, getRecord, lastAt, listRecords, listWeeks } from '../../../src/storage/journal-queries';
import { CIRCLE, assessment, diary, openFresh, practiceLog, unwrap } from './test-db';

const t = (d: number, h = 9) => new Date(Date.UTC(2026, 2, d, h)).toISOString();

async function seeded() {
  const opened = await openFresh();
  const records = [
    diary(t(2), 3), practiceLog(t(2, 7)), assessment(t(3), 'peg', [4, 4, 4]),
    diary(t(4), 5), practiceLog(t(4, 18), 'skipped'), diary(t(9), 7), assessment(t(10), 'phq9', [1, 1, 0, 0, 0, 0, 0, 0, 0]),
  ];
  for (const r of records) unwrap(await opened.store.put(r));
  return { ...opened, records };
}

describe('journal queries (no Yjs)', () => {
  it('lists one kind or several kinds in a time range, from inclusive, to exclusive', async () => {
    const { db, records } = await seeded();
    const ids = (rs: { id: string }[]) => rs.map((r) => r.id);
    expect(ids(await listRecords(db, CIRCLE, 'diary', { from: t(2), to: t(9) }))).toEqual([records[0]!.id, records[3]!.id]);
    expect(ids(await listRecords(db, CIRCLE, ['diary', 'practice', 'assessment'], { from: t(2, 8), to: t(4, 18) })))
      .toEqual([records[0]!.id, records[2]!.id, records[3]!.id]);
    expect(ids(await listRecords(db, CIRCLE, ['diary', 'practice'], { reverse: true, limit: 3 })))
      .toEqual([records[5]!.id, records[4]!.id, records[3]!.id]);
    expect(await listRecords(db, 'another-circle', 'diary')).toEqual([]);
  });

  it('hides deleted records unless asked, and getRecord still finds them', async () => {
    const { db, store, records } = await seeded();
    unwrap(await store.remove('diary', records[5]!.id));
    expect((await listRecords(db, CIRCLE, 'diary')).length).toBe(2);
    expect((await listRecords(db, CIRCLE, 'diary', { includeDeleted: true })).length).toBe(3);
    expect((await getRecord(db, records[5]!.id))?.deletedAt).toBeDefined();
    expect(await lastAt(db, CIRCLE, 'diary')).toBe(t(4));
    expect(await lastAt(db, CIRCLE, 'practice-item')).toBeUndefined();
  });

  it('weeks between bounds and latest scores', async () => {
    const { db } = await seeded();
    const weeks = await listWeeks(db, CIRCLE);
    expect(weeks.map((w) => w.week)).toEqual([...weeks.map((w) => w.week)].sort());
    expect(weeks.reduce((n, w) => n + w.painN, 0)).toBe(3);
    expect(await listWeeks(db, CIRCLE, weeks.at(-1)!.week)).toHaveLength(1);
    expect(await listWeeks(db, CIRCLE, undefined, weeks[0]!.week)).toHaveLength(1);
    const scores = await getLatestScores(db, CIRCLE);
    expect(scores.map((s) => [s.instrument, s.score])).toEqual([['peg', 4], ['phq9', 2]]);
  });
});

/** Our own imports of a module, transitively, skipping `import type` (erased at build). */
function runtimeImports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  for (const m of source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)) {
    const spec = m[1]!;
    if (spec.startsWith('.')) {
      const base = resolve(dirname(file), spec);
      const candidates = [`${base}.ts`, `${base}/index.ts`];
      const found = candidates.find((c) => { try { readFileSync(c); return true; } catch { return false; } });
      if (found) runtimeImports(found, seen);
    } else {
      seen.add(`pkg:${spec}`);
    }
  }
  return seen;
}

describe('module boundaries', () => {
  const root = resolve(__dirname, '../../../src/storage');
  it.each(['journal-queries.ts', 'profile.ts', 'backup.ts', 'db.ts'])('%s does not load yjs', (file) => {
    const imports = runtimeImports(resolve(root, file));
    expect([...imports].filter((i) => i.startsWith('pkg:'))).not.toContain('pkg:yjs');
  });
  it('the journal store does load yjs (the check above can see it)', () => {
    expect(runtimeImports(resolve(root, 'journal-store.ts'))).toContain('pkg:yjs');
  });
});
