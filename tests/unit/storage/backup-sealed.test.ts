import { describe, expect, it } from 'vitest';
import { RECORD_KINDS, type JournalRecord } from '../../../src/domain/records';
import { newKdfParams } from '../../../src/storage/at-rest/kdf';
import { sealWithSecret } from '../../../src/storage/at-rest/seal';
import { backupToJson, exportBackup, importBackup, MAX_BACKUP_CHARS } from '../../../src/storage/backup';
import {
  exportSealedBackupText, MAX_SEALED_BACKUP_CHARS, openSealedBackup, parseAnyBackup, parseSealedBackupData, sealBackup,
  sealedBackupToJson, validateBackupPassword, type SealedBackupFileV1,
} from '../../../src/storage/backup-sealed';
import { getSetting, setSetting } from '../../../src/storage/profile';
import { CIRCLE, diary, openFresh, practiceLog, snapshot, unwrap } from './test-db';

// Small Argon2id parameters keep most tests fast; exportSealedBackupText runs with the defaults once.
const FAST = { alg: 'argon2id', memoryKiB: 1024, iterations: 1, parallelism: 1 } as const;
const PASSWORD = 'lend-me-your-tablet';
const NOTE = 'knee worse after the stairs';
const byId = (rs: readonly JournalRecord[]) => [...rs].sort((a, b) => (a.id < b.id ? -1 : 1));

async function sample() {
  const opened = await openFresh();
  const rs = [diary('2026-11-01T09:00:00.000Z', 5, { note: NOTE }), practiceLog('2026-11-01T10:00:00.000Z')];
  for (const r of rs) unwrap(await opened.store.put(r));
  unwrap(await opened.store.remove('practice', rs[1]!.id, new Date('2026-11-03T00:00:00.000Z')));
  await setSetting(opened.db, 'locale', 'es');
  return opened;
}

/** A sealed file's JSON value, for editing one field. */
async function sealedJson(): Promise<Record<string, unknown> & { kdf: Record<string, unknown> }> {
  const { db } = await sample();
  const sealed = await sealBackup(await exportBackup(db, CIRCLE), PASSWORD, newKdfParams(FAST));
  return JSON.parse(sealedBackupToJson(sealed)) as Record<string, unknown> & { kdf: Record<string, unknown> };
}

function sealedFile(text: string): SealedBackupFileV1 {
  const parsed = parseAnyBackup(text);
  if (!parsed.ok || !parsed.value.sealed) throw new Error(`expected a sealed file, got ${JSON.stringify(parsed)}`);
  return parsed.value.file;
}

describe('password-protected backup', () => {
  it('round trip with the default key settings: export, read, open, import into a fresh db gives the same records', async () => {
    const { db, store } = await sample();
    const now = new Date('2026-11-23T10:00:00.000Z');
    const { name, text } = await exportSealedBackupText(db, CIRCLE, PASSWORD, now);
    expect(name).toMatch(/^paceline-backup-\d{4}-\d{2}-\d{2}-protected\.json$/);
    expect(text).not.toContain(NOTE);
    expect(text).not.toContain(CIRCLE);
    const outer = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(outer).sort()).toEqual(['ciphertext', 'exportedAt', 'format', 'formatVersion', 'kdf', 'nonce']);
    expect(outer).toMatchObject({
      format: 'paceline-backup-sealed', formatVersion: 1, exportedAt: now.toISOString(),
      kdf: { alg: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 1, salt: expect.stringMatching(/^[A-Za-z0-9+/]{22}==$/) },
      nonce: expect.stringMatching(/^[A-Za-z0-9+/]{16}$/),
    });

    const opened = unwrap(await openSealedBackup(sealedFile(text), PASSWORD));
    expect(opened).toEqual(await exportBackup(db, CIRCLE, now));
    const target = await openFresh();
    const report = unwrap(await importBackup(target.store, opened, target.db));
    expect(report).toEqual({ added: 2, updated: 0, unchanged: 0, settingsApplied: ['locale'] });
    const all = (s: typeof store) => byId(RECORD_KINDS.flatMap((k) => s.all(k, { includeDeleted: true })));
    expect(all(target.store)).toEqual(all(store));
    expect(await getSetting(target.db, 'locale')).toBe('es');
    await store.close();
    await target.store.close();
  }, 30_000);

  it('a wrong password is an error and the target database is unchanged', async () => {
    const file = sealedFile(JSON.stringify(await sealedJson()));
    const target = await openFresh();
    const before = await snapshot(target.db);
    for (const wrong of ['lend-me-your-tablet ', 'Lend-me-your-tablet', '']) {
      expect(await openSealedBackup(file, wrong)).toMatchObject({ ok: false, error: { code: 'wrong-password' } });
    }
    expect(await snapshot(target.db)).toEqual(before);
    await target.store.close();
  });

  it('the password opens the file however its accents were typed (NFC)', async () => {
    const { db } = await sample();
    const sealed = await sealBackup(await exportBackup(db, CIRCLE), 'contrasen\u0303a-secreta', newKdfParams(FAST));
    expect((await openSealedBackup(sealed, 'contrase\u00f1a-secreta')).ok).toBe(true);
  });

  it('a plain backup is recognised as not sealed', async () => {
    const { db } = await sample();
    const parsed = parseAnyBackup(backupToJson(await exportBackup(db, CIRCLE)));
    expect(parsed).toMatchObject({ ok: true, value: { sealed: false, backup: { format: 'paceline-backup' } } });
  });

  describe('tampered, oversize and foreign files get specific errors', () => {
    const flipBase64 = (b64: string, at = 0) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[at] = bytes[at]! ^ 1;
      return bytes.toString('base64');
    };

    it('a changed ciphertext, tag, nonce, salt or key setting cannot be opened', async () => {
      const good = await sealedJson();
      const ciphertext = good['ciphertext'] as string;
      const variants: Record<string, unknown>[] = [
        { ...good, ciphertext: flipBase64(ciphertext) },
        { ...good, ciphertext: flipBase64(ciphertext, Buffer.from(ciphertext, 'base64').length - 1) },
        { ...good, nonce: flipBase64(good['nonce'] as string) },
        { ...good, kdf: { ...good.kdf, salt: flipBase64(good.kdf['salt'] as string) } },
        { ...good, kdf: { ...good.kdf, iterations: 2 } },
      ];
      for (const v of variants) {
        expect(await openSealedBackup(sealedFile(JSON.stringify(v)), PASSWORD)).toMatchObject({ ok: false, error: { code: 'wrong-password' } });
      }
      // The untouched file still opens: the failures above are the tampering.
      expect((await openSealedBackup(sealedFile(JSON.stringify(good)), PASSWORD)).ok).toBe(true);
    });

    it('sealed under another format name or version (associated data) it does not open', async () => {
      const { db } = await sample();
      const plain = new TextEncoder().encode(backupToJson(await exportBackup(db, CIRCLE)));
      const box = await sealWithSecret(plain, PASSWORD, new TextEncoder().encode('paceline-backup-sealed/2'), newKdfParams(FAST));
      const file: SealedBackupFileV1 = { format: 'paceline-backup-sealed', formatVersion: 1, exportedAt: new Date().toISOString(), kdf: box.kdf, nonce: box.nonce, ciphertext: box.sealed };
      expect(await openSealedBackup(file, PASSWORD)).toMatchObject({ ok: false, error: { code: 'wrong-password' } });
    });

    it('a sealed file inside a sealed file, or damaged content behind the right password, is refused', async () => {
      const aad = new TextEncoder().encode('paceline-backup-sealed/1');
      const make = async (plain: Uint8Array) => {
        const box = await sealWithSecret(plain, PASSWORD, aad, newKdfParams(FAST));
        return { format: 'paceline-backup-sealed', formatVersion: 1, exportedAt: '2026-11-23T10:00:00.000Z', kdf: box.kdf, nonce: box.nonce, ciphertext: box.sealed } as const;
      };
      const nested = new TextEncoder().encode(JSON.stringify(await sealedJson()));
      expect(await openSealedBackup(await make(nested), PASSWORD)).toMatchObject({ ok: false, error: { code: 'not-a-backup' } });
      expect(await openSealedBackup(await make(new Uint8Array([0xff, 0xfe])), PASSWORD)).toMatchObject({ ok: false, error: { code: 'invalid-file', field: 'ciphertext' } });
      const badRecord = new TextEncoder().encode(JSON.stringify({ ...JSON.parse(backupToJson(await exportBackup((await sample()).db, CIRCLE))), records: [{ kind: 'diary' }] }));
      expect(await openSealedBackup(await make(badRecord), PASSWORD)).toMatchObject({ ok: false, error: { code: 'invalid-records' } });
    });

    it('every field is checked before any password is asked for', async () => {
      const good = await sealedJson();
      const cases: Array<[string, unknown, string, string?]> = [
        ['newer version', { ...good, formatVersion: 2 }, 'newer-version'],
        ['version as text', { ...good, formatVersion: '1' }, 'invalid-file', 'formatVersion'],
        ['version zero', { ...good, formatVersion: 0 }, 'invalid-file', 'formatVersion'],
        ['unknown field', { ...good, compression: 'gzip' }, 'invalid-file', 'compression'],
        ['no date', { ...good, exportedAt: undefined }, 'invalid-file', 'exportedAt'],
        ['not a date', { ...good, exportedAt: 'yesterday' }, 'invalid-file', 'exportedAt'],
        ['long date', { ...good, exportedAt: `2026-11-23T10:00:00.000Z${' '.repeat(100)}` }, 'invalid-file', 'exportedAt'],
        ['no kdf', { ...good, kdf: undefined }, 'invalid-file', 'kdf'],
        ['kdf a list', { ...good, kdf: [] }, 'invalid-file', 'kdf'],
        ['other algorithm', { ...good, kdf: { ...good.kdf, alg: 'scrypt' } }, 'invalid-file', 'kdf'],
        ['4 GiB of memory', { ...good, kdf: { ...good.kdf, memoryKiB: 4 * 1024 * 1024 } }, 'invalid-file', 'kdf'],
        ['100 passes', { ...good, kdf: { ...good.kdf, iterations: 100 } }, 'invalid-file', 'kdf'],
        ['8 lanes', { ...good, kdf: { ...good.kdf, parallelism: 8 } }, 'invalid-file', 'kdf'],
        ['unknown kdf field', { ...good, kdf: { ...good.kdf, secret: 'x' } }, 'invalid-file', 'kdf.secret'],
        ['short salt', { ...good, kdf: { ...good.kdf, salt: Buffer.alloc(8).toString('base64') } }, 'invalid-file', 'kdf'],
        ['salt not base64', { ...good, kdf: { ...good.kdf, salt: 'not base64 at all!' } }, 'invalid-file', 'kdf.salt'],
        ['salt a number', { ...good, kdf: { ...good.kdf, salt: 12 } }, 'invalid-file', 'kdf.salt'],
        ['short nonce', { ...good, nonce: Buffer.alloc(11).toString('base64') }, 'invalid-file', 'nonce'],
        ['nonce unpadded', { ...good, nonce: 'AAAAAAAAAAAAAAA' }, 'invalid-file', 'nonce'],
        ['no ciphertext', { ...good, ciphertext: undefined }, 'invalid-file', 'ciphertext'],
        ['ciphertext shorter than a tag', { ...good, ciphertext: Buffer.alloc(15).toString('base64') }, 'invalid-file', 'ciphertext'],
        ['ciphertext base64url', { ...good, ciphertext: (good['ciphertext'] as string).replace(/[+/]/g, '-') + '-_' }, 'invalid-file', 'ciphertext'],
      ];
      for (const [label, value, code, field] of cases) {
        const parsed = parseAnyBackup(JSON.stringify(value));
        expect(parsed, label).toMatchObject({ ok: false, error: field === undefined ? { code } : { code, field } });
        if (!parsed.ok) expect(parsed.error.message, label).toMatch(/\w/);
      }
      expect(parseSealedBackupData({ ...good, format: 'paceline-backup' })).toMatchObject({ ok: false, error: { code: 'not-a-backup' } });
    });

    it('oversize and foreign files', () => {
      expect(parseAnyBackup(' '.repeat(MAX_SEALED_BACKUP_CHARS + 1))).toMatchObject({ ok: false, error: { code: 'too-large' } });
      // Between the two limits only a sealed file may be: a plain backup that long is too large.
      expect(MAX_SEALED_BACKUP_CHARS).toBeGreaterThan(MAX_BACKUP_CHARS);
      expect(parseAnyBackup(`{"format":"paceline-backup"}${' '.repeat(MAX_BACKUP_CHARS)}`)).toMatchObject({ ok: false, error: { code: 'too-large' } });
      expect(parseAnyBackup('{"format": "paceline-backup-sealed", ')).toMatchObject({ ok: false, error: { code: 'not-json' } });
      expect(parseAnyBackup('{"hello":"world"}')).toMatchObject({ ok: false, error: { code: 'not-a-backup' } });
      expect(parseAnyBackup('"paceline-backup-sealed"')).toMatchObject({ ok: false, error: { code: 'not-a-backup' } });
      expect(parseAnyBackup('null')).toMatchObject({ ok: false, error: { code: 'not-a-backup' } });
    });
  });
});

describe('backup password rule', () => {
  it('needs 8 characters (as a person counts them) typed the same twice', () => {
    expect(validateBackupPassword('', '')).toEqual([{ field: 'password', code: 'tooShort' }]);
    expect(validateBackupPassword('1234567', '1234567')).toEqual([{ field: 'password', code: 'tooShort' }]);
    expect(validateBackupPassword('12345678', '12345679')).toEqual([{ field: 'repeat', code: 'mismatch' }]);
    expect(validateBackupPassword('12345678', '')).toEqual([{ field: 'repeat', code: 'mismatch' }]);
    expect(validateBackupPassword('12345678', '12345678')).toEqual([]);
    // Seven letters with a decomposed accent are seven characters, not eight.
    expect(validateBackupPassword('cafe\u0301ine', 'cafe\u0301ine')).toEqual([{ field: 'password', code: 'tooShort' }]);
    expect(validateBackupPassword('cafe\u0301ines', 'caf\u00e9ines')).toEqual([]);
  });

  it('sealBackup refuses a short password (a caller that skipped the rule)', async () => {
    const { db } = await sample();
    await expect(sealBackup(await exportBackup(db, CIRCLE), 'short', newKdfParams(FAST))).rejects.toThrow(RangeError);
    await expect(exportSealedBackupText(db, CIRCLE, '1234567')).rejects.toThrow(RangeError);
  });
});
