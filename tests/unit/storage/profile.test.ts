import { describe, expect, it } from 'vitest';
import { isUlid } from '../../../src/domain/ids';
import { PacelineDB } from '../../../src/storage/db';
import { DEFAULT_SETTINGS, ensureDeviceProfile, getSetting, setSetting, type SettingProblem } from '../../../src/storage/profile';
import { freshName } from './test-db';

describe('device profile and settings', () => {
  it('creates the circle id once, even when two tabs ask at the same time', async () => {
    const db = new PacelineDB(freshName());
    const [a, b] = await Promise.all([ensureDeviceProfile(db), ensureDeviceProfile(new PacelineDB(db.name))]);
    expect(isUlid(a)).toBe(true);
    expect(b).toBe(a);
    expect(await ensureDeviceProfile(db)).toBe(a);
    expect(await db.profile.count()).toBe(1);
  });

  it('returns defaults for unset settings and stored values once set', async () => {
    const db = new PacelineDB(freshName());
    expect(await getSetting(db, 'locale')).toBe('en');
    expect(await getSetting(db, 'cadence')).toEqual({ peg: 7, phq9: 14, gad7: 14 });
    expect(await getSetting(db, 'pegBaseline')).toBeUndefined();
    expect(await setSetting(db, 'locale', 'es')).toEqual({ ok: true, value: 'es' });
    expect(await setSetting(db, 'pegBaseline', 6.3)).toMatchObject({ ok: true });
    const persistence = { requested: true, granted: false, checkedAt: '2026-11-23T09:00:00.000Z' };
    await setSetting(db, 'persistence', persistence);
    expect(await getSetting(db, 'locale')).toBe('es');
    expect(await getSetting(db, 'pegBaseline')).toBe(6.3);
    expect(await getSetting(db, 'persistence')).toEqual(persistence);
  });

  it('refuses invalid values on write', async () => {
    const db = new PacelineDB(freshName());
    expect(await setSetting(db, 'region', 'FR' as never)).toMatchObject({ ok: false, error: { code: 'invalid-setting' } });
    expect(await setSetting(db, 'cadence', { peg: 0, phq9: 14, gad7: 14 })).toMatchObject({ ok: false });
    expect(await db.settings.count()).toBe(0);
  });

  it('falls back to the default on a corrupt stored value and reports it', async () => {
    const db = new PacelineDB(freshName());
    await db.settings.bulkPut([
      { key: 'locale', value: 'klingon' },
      { key: 'cadence', value: { peg: 'weekly' } },
      { key: 'noDataDays', value: null },
      { key: 'persistence', value: 'yes' },
    ]);
    const reported: SettingProblem[] = [];
    const report = (p: SettingProblem) => reported.push(p);
    expect(await getSetting(db, 'locale', report)).toBe('en');
    expect(await getSetting(db, 'cadence', report)).toEqual(DEFAULT_SETTINGS.cadence);
    expect(await getSetting(db, 'noDataDays', report)).toBe(7);
    expect(await getSetting(db, 'persistence', report)).toEqual(DEFAULT_SETTINGS.persistence);
    expect(reported.map((p) => p.key)).toEqual(['locale', 'cadence', 'noDataDays', 'persistence']);
    // Defaults are copies: changing one does not change the next read.
    const cadence = await getSetting(db, 'cadence', () => undefined);
    cadence.peg = 99;
    expect(DEFAULT_SETTINGS.cadence.peg).toBe(7);
  });
});
