import { describe, expect, it } from 'vitest';
import { RECORD_KINDS, type JournalRecord } from '../../../src/domain/records';
import { backupToJson, exportBackup, exportCsv, importBackup, parseBackup, MAX_BACKUP_CHARS, type BackupFileV1 } from '../../../src/storage/backup';
import { csvCell } from '../../../src/storage/csv';
import { setSetting, getSetting } from '../../../src/storage/profile';
import { getLatestScores, listWeeks } from '../../../src/storage/journal-queries';
import { fiveYears } from '../../helpers/fixtures';
import { CIRCLE, assessment, diary, openFresh, practiceLog, snapshot, unwrap } from './test-db';

const byId = (rs: readonly JournalRecord[]) => [...rs].sort((a, b) => (a.id < b.id ? -1 : 1));

async function sample() {
  const opened = await openFresh();
  const rs = [
    diary('2026-11-01T09:00:00.000Z', 5, { note: 'line one\nline "two", three', bodyAreas: ['neck', 'head'] }),
    practiceLog('2026-11-01T10:00:00.000Z'),
    assessment('2026-11-02T09:00:00.000Z', 'phq9', [1, 2, 0, 1, 0, 0, 1, 0, 0]),
  ];
  for (const r of rs) unwrap(await opened.store.put(r));
  unwrap(await opened.store.remove('practice', rs[1]!.id, new Date('2026-11-03T00:00:00.000Z')));
  return opened;
}

describe('backup export and import', () => {
  it('round trip into a fresh database gives identical records, deleted ones included, and settings', async () => {
    const { db, store } = await sample();
    await setSetting(db, 'locale', 'es');
    await setSetting(db, 'pegBaseline', 5.7);
    const file = await exportBackup(db, CIRCLE, new Date('2026-11-23T00:00:00.000Z'));
    expect(file).toMatchObject({ format: 'paceline-backup', formatVersion: 1, app: 'paceline', circleId: CIRCLE, settings: { locale: 'es', pegBaseline: 5.7 } });
    const parsed = parseBackup(backupToJson(file));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;

    const target = await openFresh();
    const report = unwrap(await importBackup(target.store, parsed.value, target.db));
    expect(report).toEqual({ added: 3, updated: 0, unchanged: 0, settingsApplied: ['locale', 'pegBaseline'] });
    const all = (s: typeof store) => byId(RECORD_KINDS.flatMap((k) => s.all(k, { includeDeleted: true })));
    expect(all(target.store)).toEqual(all(store));
    expect(await getSetting(target.db, 'locale')).toBe('es');
    // Importing the same file again changes nothing.
    expect(unwrap(await importBackup(target.store, parsed.value))).toMatchObject({ added: 0, updated: 0, unchanged: 3 });
  });

  it('five-year fixture: valid, deterministic, and round-trips with the right counts', async () => {
    const file = fiveYears(7, new Date('2026-11-22T20:00:00Z'));
    expect(JSON.stringify(fiveYears(7, new Date('2026-11-22T20:00:00Z')))).toBe(JSON.stringify(file));
    const count = (pred: (r: JournalRecord) => boolean) => file.records.filter(pred).length;
    expect(count((r) => r.kind === 'diary')).toBe(1825);
    expect(count((r) => r.kind === 'practice-item')).toBe(3);
    expect(count((r) => r.kind === 'practice')).toBe(3650);
    expect(count((r) => r.kind === 'assessment' && r.instrument === 'peg')).toBe(260);
    expect(count((r) => r.kind === 'assessment' && r.instrument === 'phq9' && r.answers[8] === 0)).toBe(130);
    const parsed = parseBackup(JSON.stringify(file));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error).slice(0, 500));

    const { db, store } = await openFresh();
    expect(unwrap(await importBackup(store, parsed.value))).toMatchObject({ added: 5868, updated: 0, unchanged: 0 });
    expect(await db.records.count()).toBe(5868);
    const weeks = await listWeeks(db, CIRCLE);
    expect(weeks.length).toBeGreaterThanOrEqual(260);
    expect(weeks.length).toBeLessThanOrEqual(262);
    expect(weeks.reduce((n, w) => n + w.painN, 0)).toBe(1825);
    expect(weeks.reduce((n, w) => n + w.practiceLogged, 0)).toBe(3650);
    expect((await getLatestScores(db, CIRCLE)).map((s) => s.instrument)).toEqual(['peg', 'phq9']);
    const again = await exportBackup(db, CIRCLE);
    expect(byId(again.records)).toEqual(byId(file.records));
  }, 60_000);

  describe('parseBackup rejects bad files with a specific code and changes nothing', () => {
    const good = async () => exportBackup((await sample()).db, CIRCLE);
    const cases: Array<[string, () => Promise<string>, string]> = [
      ['not JSON', async () => '{"format": "paceline-backup", ', 'not-json'],
      ['foreign JSON', async () => JSON.stringify({ hello: 'world', records: [] }), 'not-a-backup'],
      ['newer version', async () => JSON.stringify({ ...(await good()), formatVersion: 2 }), 'newer-version'],
      ['too large', async () => ' '.repeat(MAX_BACKUP_CHARS + 1), 'too-large'],
      ['records not a list', async () => JSON.stringify({ ...(await good()), records: {} }), 'invalid-file'],
    ];
    it.each(cases)('%s', async (_label, make, code) => {
      const text = await make();
      const { db, store } = await sample();
      const before = await snapshot(db);
      const parsed = parseBackup(text);
      expect(parsed).toMatchObject({ ok: false, error: { code } });
      expect(await snapshot(db)).toEqual(before);
      await store.close();
    });

    it('invalid record at index 3: lists index, field and code; duplicates too', async () => {
      const file: BackupFileV1 = await good();
      const extra = [diary('2026-11-05T09:00:00.000Z', 2), { ...diary('2026-11-06T09:00:00.000Z', 2), painNow: 12, mood: 'ok' }];
      const text = JSON.stringify({ ...file, records: [...file.records, ...extra, file.records[0]] });
      const parsed = parseBackup(text);
      expect(parsed).toMatchObject({
        ok: false,
        error: { code: 'invalid-records', problems: [
          { index: 4, field: 'painNow', code: 'outOfRange' }, { index: 4, field: 'mood', code: 'wrongType' }, { index: 5, field: 'id', code: 'duplicate' },
        ] },
      });
      const at3 = JSON.stringify({ ...file, records: [...file.records, { ...diary('2026-11-06T09:00:00.000Z', 2), at: 'yesterday' }] });
      expect(parseBackup(at3)).toMatchObject({ ok: false, error: { problems: [{ index: 3, field: 'at', code: 'badTime' }] } });
    });
  });

  it('importRecords with one invalid record imports nothing', async () => {
    const { db, store } = await sample();
    const before = await snapshot(db);
    const result = await store.importRecords([diary('2026-11-09T09:00:00.000Z', 1), { ...diary('2026-11-09T10:00:00.000Z', 1), painNow: -1 }]);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-record', errors: [{ field: '1.painNow' }] } });
    expect(await snapshot(db)).toEqual(before);
  });
});

describe('CSV export', () => {
  it('has one header of all columns and quotes per RFC 4180', async () => {
    const r = diary('2026-11-01T09:00:00.000Z', 5, { note: 'say "hi", then\nleave', bodyAreas: ['neck', 'head'] });
    const csv = exportCsv([r, practiceLog('2026-11-01T10:00:00.000Z')], 'diary');
    const [header, row, end] = csv.split('\r\n');
    expect(header!.startsWith('kind,id,at,createdAt,updatedAt,deletedAt,enteredBy')).toBe(true);
    for (const col of ['painNow', 'bodyAreas', 'instrument', 'answers', 'score', 'functional', 'practiceName', 'status', 'minutes']) expect(header!.split(',')).toContain(col);
    expect(row).toContain('"say ""hi"", then\nleave"');
    expect(row).toContain(',neck;head,');
    expect(end).toBe('');
    expect(csv.split('\r\n')).toHaveLength(3);
  });

  it('neutralises formula injection', () => {
    for (const cell of ['=HYPERLINK("x")', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) expect(csvCell(cell).replace(/^"/, '').startsWith("'")).toBe(true);
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('=A1,B1')).toBe(`"'=A1,B1"`);
    expect(csvCell('fine')).toBe('fine');
    expect(csvCell(7)).toBe('7');
    expect(csvCell([1, 2, 0])).toBe('1;2;0');
  });
});
