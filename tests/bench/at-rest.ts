// Encryption at rest: five years of records written and read with and without the at-rest
// middleware, in Node on fake-indexeddb (whose own overhead is larger than a browser's, so the
// relative cost of sealing shows smaller here than on a tablet: see the crypto-only line).
// Usage: npx tsx tests/bench/at-rest.ts [runs]. Not part of run.ts.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { installAtRest } from '../../src/storage/at-rest/middleware';
import { planTable } from '../../src/storage/at-rest/clear-fields';
import { openRow, sealRow } from '../../src/storage/at-rest/row-cipher';
import { PacelineDB, prefixRange, type RecordRow, type WeekRow } from '../../src/storage/db';
import { aggregateWeeks, toRecordRow } from '../../src/storage/derived-rows';
import type { RecordKind } from '../../src/domain/records';
import { fiveYears } from '../helpers/fixtures';

interface Stats { n: number; p50: number; p95: number }
function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
  return { n: s.length, p50: at(0.5), p95: at(0.95) };
}
const fmt = (s: Stats) => `p50 ${s.p50.toFixed(1).padStart(7)} ms, p95 ${s.p95.toFixed(1).padStart(7)} ms (n=${s.n})`;

const RUNS = Number(process.argv[2] ?? 7);
const KEY = Uint8Array.from({ length: 32 }, (_, i) => i * 11);
const KINDS: RecordKind[] = ['diary', 'practice', 'assessment'];
/** Diary saves timed one transaction each, as the app commits them. */
const SINGLE_PUTS = 100;

const backup = fiveYears(20261123, new Date('2026-11-23T12:00:00.000Z'));
const circleId = backup.circleId;
const records = backup.records.filter((r) => r.kind !== 'practice-item');
const rows: RecordRow[] = records.map((r) => toRecordRow(circleId, r));
const weeks: WeekRow[] = [...aggregateWeeks(circleId, records).values()];

async function runOnce(sealed: boolean, run: number) {
  const name = `bench-at-rest-${sealed ? 'sealed' : 'plain'}-${run}`;
  const db = new PacelineDB(name);
  if (sealed) installAtRest(db, { key: () => KEY });
  await db.open();
  let t = performance.now();
  await db.transaction('rw', ['records', 'weeks'], async () => {
    await db.records.bulkPut(rows);
    await db.weeks.bulkPut(weeks);
  });
  const write = performance.now() - t;
  t = performance.now();
  let read = 0;
  for (const kind of KINDS) read += (await db.records.where('[circleId+kind+at]').between(...prefixRange(circleId, kind)).toArray()).length;
  read += (await db.weeks.where('[circleId+week]').between(...prefixRange(circleId)).toArray()).length;
  const readMs = performance.now() - t;
  if (read !== rows.length + weeks.length) throw new Error(`read ${read} rows, wrote ${rows.length + weeks.length}`);
  const puts: number[] = [];
  for (const row of rows.slice(0, SINGLE_PUTS)) {
    t = performance.now();
    await db.records.put({ ...row, at: row.at });
    puts.push(performance.now() - t);
  }
  db.close();
  await Dexie.delete(name);
  return { write, read: readMs, puts };
}

/** Sealing and opening alone, without IndexedDB: the cost a browser adds on top of its own. */
async function cryptoOnly() {
  const db = new PacelineDB('bench-at-rest-schema');
  await db.open();
  const plan = planTable(db.core.table('records').schema);
  db.close();
  let t = performance.now();
  const sealed = rows.map((row) => sealRow(plan, row, undefined, KEY));
  const seal = performance.now() - t;
  t = performance.now();
  for (const row of sealed) openRow(plan, row, undefined, KEY);
  const open = performance.now() - t;
  const plainBytes = rows.reduce((n, r) => n + JSON.stringify(r).length, 0);
  const sealedBytes = sealed.reduce((n, r) => n + (r['__pl'] as Uint8Array).length, 0);
  return { seal, open, plainBytes, sealedBytes };
}

const counts = Object.fromEntries(['diary', 'practice', 'peg', 'phq9'].map((k) => [k, records.filter((r) => (r.kind === 'assessment' ? r.instrument : r.kind) === k).length]));
console.log(`Five years: ${rows.length} records rows (${JSON.stringify(counts)}), ${weeks.length} weeks rows; ${RUNS} runs each (first run of each mode is warm-up, not counted)`);
for (const sealed of [false, true]) {
  const write: number[] = [];
  const read: number[] = [];
  const puts: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const r = await runOnce(sealed, run);
    if (run === 0) continue;
    write.push(r.write);
    read.push(r.read);
    puts.push(...r.puts);
  }
  const label = sealed ? 'sealed' : 'plain ';
  console.log(`${label} write all (one transaction):      ${fmt(stats(write))}`);
  console.log(`${label} read all (range per kind + weeks): ${fmt(stats(read))}`);
  console.log(`${label} one records put (own transaction): ${fmt(stats(puts))}`);
}
const c = await cryptoOnly();
console.log(`crypto only, ${rows.length} records rows: seal ${c.seal.toFixed(1)} ms (${((c.seal / rows.length) * 1000).toFixed(1)} µs/row), open ${c.open.toFixed(1)} ms (${((c.open / rows.length) * 1000).toFixed(1)} µs/row)`);
console.log(`size: JSON ${(c.plainBytes / 1024).toFixed(0)} KiB, sealed payloads ${(c.sealedBytes / 1024).toFixed(0)} KiB (plus the clear key and index fields)`);
