import { describe, expect, it } from 'vitest';
import { reviseRecord } from '../../../src/domain/record-factory';
import { weekStart } from '../../../src/domain/trends';
import type { JournalRecord } from '../../../src/domain/records';
import { rebuildDerived } from '../../../src/storage/derived';
import type { PacelineDB } from '../../../src/storage/db';
import { Rng } from '../../helpers/fixtures';
import { CIRCLE, assessment, diary, openFresh, practiceLog, unwrap } from './test-db';

async function derivedTables(db: PacelineDB) {
  const byKey = <T>(rows: T[], key: (r: T) => string) => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : 1));
  return {
    records: byKey(await db.records.toArray(), (r) => r.id),
    weeks: byKey(await db.weeks.toArray(), (r) => r.week),
    latestScores: byKey(await db.latestScores.toArray(), (r) => r.instrument),
  };
}

const day = (n: number, hour = 9) => new Date(Date.UTC(2026, 0, 1 + n, hour)).toISOString();

describe('derived tables', () => {
  it('weekly sums and latest scores follow puts, edits across weeks, deletes and restores', async () => {
    const { db, store } = await openFresh();
    const a = diary(day(5), 4, { sleepQuality: 6, mood: 5 });
    const b = diary(day(6), 8, { fatigue: 7 });
    unwrap(await store.put(a));
    unwrap(await store.put(b));
    unwrap(await store.put(practiceLog(day(5))));
    unwrap(await store.put(practiceLog(day(6), 'skipped')));
    const week = weekStart(a.at)!;
    expect(await db.weeks.get([CIRCLE, week])).toMatchObject({ painSum: 12, painN: 2, sleepSum: 6, sleepN: 1, moodN: 1, fatigueSum: 7, practiceDone: 1, practiceLogged: 2 });
    // Moving b three weeks later changes both weeks.
    const moved = unwrap(reviseRecord(b, { at: day(27) }, new Date(day(28))));
    unwrap(await store.put(moved));
    expect(await db.weeks.get([CIRCLE, week])).toMatchObject({ painSum: 4, painN: 1 });
    expect(await db.weeks.get([CIRCLE, weekStart(moved.at)!])).toMatchObject({ painSum: 8, painN: 1 });
    unwrap(await store.remove('diary', moved.id));
    expect(await db.weeks.get([CIRCLE, weekStart(moved.at)!])).toBeUndefined();

    const peg1 = assessment(day(3), 'peg', [5, 5, 5]);
    const peg2 = assessment(day(10), 'peg', [2, 3, 3]);
    unwrap(await store.put(peg1));
    unwrap(await store.put(peg2));
    expect(await db.latestScores.get([CIRCLE, 'peg'])).toMatchObject({ responseId: peg2.id, score: 2.7 });
    unwrap(await store.remove('assessment', peg2.id));
    expect(await db.latestScores.get([CIRCLE, 'peg'])).toMatchObject({ responseId: peg1.id, score: 5 });
    unwrap(await store.restore('assessment', peg2.id));
    expect(await db.latestScores.get([CIRCLE, 'peg'])).toMatchObject({ responseId: peg2.id });
    await store.close();
    db.close();
  });

  it('a rebuild from the document gives the same tables as incremental writes (seeded random history)', async () => {
    const { db, store } = await openFresh();
    const rng = new Rng(42);
    const live: JournalRecord[] = [];
    for (let step = 0; step < 150; step++) {
      const roll = rng.float();
      const at = day(rng.int(0, 120), rng.int(0, 23));
      if (roll < 0.45 || live.length === 0) {
        const pick = rng.float();
        let r: JournalRecord;
        if (pick < 0.5) r = diary(at, rng.int(0, 10), rng.chance(0.5) ? { mood: rng.int(0, 10) } : {});
        else if (pick < 0.8) r = practiceLog(at, rng.pick(['done', 'partly', 'skipped'] as const));
        else if (rng.chance(0.5)) r = assessment(at, 'peg', [rng.int(0, 10), rng.int(0, 10), rng.int(0, 10)]);
        else r = assessment(at, 'gad7', Array.from({ length: 7 }, () => rng.int(0, 3)));
        unwrap(await store.put(r));
        live.push(r);
      } else {
        const target = rng.pick(live);
        if (roll < 0.65) unwrap(await store.remove(target.kind, target.id, new Date(day(130))));
        else if (roll < 0.8) unwrap(await store.restore(target.kind, target.id, new Date(day(131))));
        else {
          const current = store.get(target.kind, target.id)!;
          unwrap(await store.put(unwrap(reviseRecord(current, { at }, new Date(day(132))))));
        }
      }
    }
    const incremental = await derivedTables(db);
    expect(incremental.records.length).toBeGreaterThan(50);
    await rebuildDerived(db, CIRCLE, store.doc);
    expect(await derivedTables(db)).toEqual(incremental);
    await store.close();
    db.close();
  });
});
