// Random write sequences and every kind of Dexie read, for the at-rest property test (plain and sealed databases must agree).
import fc from 'fast-check';
import { prefixRange, type PacelineDB, type RecordRow } from '../../../src/storage/db';
import { toRecordRow } from '../../../src/storage/derived-rows';
import { SECRET_NOTE } from './at-rest-rows';
import { CIRCLE, diary } from './test-db';

export type Op =
  | { t: 'put'; id: number; kind: number; day: number; pain: number }
  | { t: 'delete'; id: number }
  | { t: 'mark'; kind: number }
  | { t: 'rename'; id: number }
  | { t: 'bump'; id: number; pain: number }
  | { t: 'shift'; day: number }
  | { t: 'append'; doc: number }
  | { t: 'drop'; doc: number }
  | { t: 'outbox'; doc: number; devSeq: number; changes: number };

const KINDS = ['diary', 'practice', 'assessment'] as const;
const isoDay = (day: number) => `2025-06-${String(day).padStart(2, '0')}T08:00:00.000Z`;

export async function apply(db: PacelineDB, o: Op): Promise<void> {
  switch (o.t) {
    case 'put': {
      const row = recordRow(`r${o.id}`, isoDay(o.day), o.pain);
      await db.records.put({ ...row, kind: KINDS[o.kind]!, circleId: o.id % 2 ? CIRCLE : 'other' });
      return;
    }
    case 'delete': await db.records.delete(`r${o.id}`); return;
    case 'mark': await db.records.where('[circleId+kind+at]').between(...prefixRange(CIRCLE, KINDS[o.kind]!)).modify({ deleted: 1 }); return;
    // A changed primary key: Dexie deletes the row and adds it under the new key.
    case 'rename': await db.records.where('id').equals(`r${o.id}`).modify((r) => { r.id = `r${o.id + 20}`; }); return;
    // A key path into the value: Dexie's changeSpec, applied above the middleware.
    case 'bump': await db.records.update(`r${o.id}`, { 'record.painNow': o.pain } as Record<string, number>); return;
    case 'shift': await db.records.where('[circleId+kind+at]').below([CIRCLE, 'diary', isoDay(o.day)]).modify((r) => { r.at = isoDay(o.day); }); return;
    case 'append': await db.docUpdates.add({ docKey: `d${o.doc}`, update: new Uint8Array([o.doc, 1]), at: o.doc }); return;
    case 'drop': await db.docUpdates.where('docKey').equals(`d${o.doc}`).delete(); return;
    case 'outbox':
      await db.syncOutbox.put({ docKey: `d${o.doc}`, devSeq: o.devSeq, envelope: new Uint8Array([o.devSeq]), changes: o.changes, createdAt: 1, schemaVersion: 1 });
  }
}

export async function observe(db: PacelineDB, pivot: number) {
  const compound = db.records.where('[circleId+kind+at]');
  const seen: string[] = [];
  await db.records.orderBy('[circleId+kind+at]').each((r) => { seen.push(r.id); });
  return {
    all: await db.records.toArray(),
    range: await compound.between([CIRCLE, 'diary', isoDay(1)], [CIRCLE, 'diary', isoDay(pivot)], true, true).toArray(),
    prefix: await compound.between(...prefixRange(CIRCLE)).reverse().toArray(),
    page: await db.records.orderBy('[circleId+kind+at]').reverse().offset(1).limit(3).toArray(),
    filtered: await db.records.filter((r) => r.deleted === 1).toArray(),
    startsWith: await db.records.where('id').startsWith('r1').toArray(),
    sorted: await db.records.where('[circleId+kind+at]').above([CIRCLE]).sortBy('at'),
    keys: await compound.between(...prefixRange(CIRCLE)).keys(),
    counted: await compound.between(...prefixRange(CIRCLE, 'practice')).count(),
    first: await compound.between(...prefixRange('other')).first(),
    bulk: await db.records.bulkGet(['r1', 'r2', 'r3', 'missing']),
    seen,
    updates: await db.docUpdates.where('docKey').equals('d1').toArray(),
    allUpdates: await db.docUpdates.reverse().toArray(),
    outbox: await db.syncOutbox.where('[docKey+devSeq+changes]').between(['d1', 0, 0], ['d1', 3, Infinity]).toArray(),
    outboxKeys: await db.syncOutbox.toCollection().primaryKeys(),
  };
}

export function recordRow(id: string, at: string, painNow: number, note = SECRET_NOTE): RecordRow {
  return toRecordRow(CIRCLE, { ...diary(at, painNow, { note }), id });
}

export const arbitraryOp: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('put' as const), id: fc.nat(12), kind: fc.nat(2), day: fc.integer({ min: 1, max: 28 }), pain: fc.nat(10) }),
  fc.record({ t: fc.constant('delete' as const), id: fc.nat(12) }),
  fc.record({ t: fc.constant('mark' as const), kind: fc.nat(2) }),
  fc.record({ t: fc.constant('rename' as const), id: fc.nat(12) }),
  fc.record({ t: fc.constant('bump' as const), id: fc.nat(12), pain: fc.nat(10) }),
  fc.record({ t: fc.constant('shift' as const), day: fc.integer({ min: 1, max: 28 }) }),
  fc.record({ t: fc.constant('append' as const), doc: fc.nat(2) }),
  fc.record({ t: fc.constant('drop' as const), doc: fc.nat(2) }),
  fc.record({ t: fc.constant('outbox' as const), doc: fc.nat(2), devSeq: fc.nat(5), changes: fc.nat(3) }),
);

