/**
 * The kiosk's keys and state (storage/kiosk-vault.ts, kiosk-store.ts), the hand-back check
 * (hand-back.ts), and private keys kept as sealed bytes on a clinic tablet (private-keys.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { deleteKiosk, kioskPresent, loadKiosk, parseKioskState, saveKiosk, type KioskStateRow } from '../../../src/storage/kiosk-store';
import { changeKioskSettings, checkStaff, endLoan, markReturning, provisionKiosk, resetPin, startLoan, unlockAsStaff, unlockWithPin } from '../../../src/storage/kiosk-vault';
import { listUnacknowledged } from '../../../src/storage/hand-back';
import { installAtRest } from '../../../src/storage/at-rest/middleware';
import { PacelineDB } from '../../../src/storage/db';
import { openJournalStore } from '../../../src/storage/journal-store';
import { enableSharing } from '../../../src/storage/sync-store';
import { keepPrivateKeysAsBytes } from '../../../src/storage/private-keys';
import { createCircle, loadOrCreateBoxKeys, loadOrCreateDeviceKeys } from '../../../src/sync/identity';
import { ATTEMPTS_BEFORE_STAFF } from '../../../src/domain/kiosk';
import { rawContains, rawRows } from './raw-idb';
import { diary, freshName, unwrap } from './test-db';
import { CIRCLE } from '../sync/fixtures';

const FAST = { kdf: { alg: 'argon2id', memoryKiB: 1024, iterations: 1, parallelism: 1 } as const };
const STAFF = 'valley clinic staff';
const SETTINGS = { idleMinutes: 3, clinicName: 'Valley', region: 'US' };
const now = new Date('2026-11-23T10:00:00Z');

afterEach(async () => {
  await deleteKiosk();
});

async function lent(pin = '482915'): Promise<{ state: KioskStateRow; key: Uint8Array }> {
  const p = await provisionKiosk(STAFF, SETTINGS, 'en', now, FAST);
  if (!p.ok) throw new Error(p.error);
  const l = await startLoan(p.state, STAFF, pin, now, FAST);
  if (!l.ok) throw new Error(l.error);
  return l;
}

describe('kiosk vault', () => {
  it('an ordinary device has no kiosk database (and asking does not create one)', async () => {
    expect(await kioskPresent()).toBe(false);
    expect(await loadKiosk()).toEqual({ kind: 'none' });
    expect(await kioskPresent()).toBe(false);
  });

  it('provisioning stores settings and a staff check, never the passphrase', async () => {
    expect(await provisionKiosk('short', SETTINGS, 'en', now, FAST)).toEqual({ ok: false, error: 'bad-passphrase' });
    const p = await provisionKiosk(STAFF, SETTINGS, 'es', now, FAST);
    expect(p.ok).toBe(true);
    const loaded = await loadKiosk();
    expect(loaded.kind).toBe('kiosk');
    if (loaded.kind !== 'kiosk') return;
    expect(loaded.state.locale).toBe('es');
    expect(loaded.state.loan).toBeNull();
    expect(await checkStaff(loaded.state, STAFF)).toBe(true);
    expect(await checkStaff(loaded.state, `${STAFF} `)).toBe(false);
    expect(rawContains(await rawRows('paceline-kiosk', 'kiosk'), STAFF)).toBe(false);
  });

  it('a loan seals one data key under the PIN and under the staff passphrase', async () => {
    const { state, key } = await lent();
    expect(key).toHaveLength(32);
    const byPin = await unlockWithPin(state, '482915', now.getTime());
    expect(byPin.ok && byPin.key).toEqual(key);
    expect(await unlockAsStaff(state, STAFF)).toEqual(key);
    expect(await unlockAsStaff(state, 'wrong passphrase')).toBeNull();
    const rows = await rawRows('paceline-kiosk', 'kiosk');
    expect(rawContains(rows, '482915')).toBe(false);
    // A second loan cannot start over an open one; a loan needs the staff passphrase and a good PIN.
    expect(await startLoan(state, STAFF, '730461', now, FAST)).toEqual({ ok: false, error: 'loan-open' });
    const fresh = await provisionKiosk(STAFF, SETTINGS, 'en', now, FAST);
    if (!fresh.ok) throw new Error();
    expect(await startLoan(fresh.state, 'wrong passphrase', '730461', now, FAST)).toEqual({ ok: false, error: 'wrong-staff' });
    expect(await startLoan(fresh.state, STAFF, '123456', now, FAST)).toEqual({ ok: false, error: 'bad-pin' });
  });

  it('wrong PINs are counted before the slow check, stored, and then need staff; a right one clears the count', async () => {
    let { state } = await lent();
    const t0 = now.getTime();
    let out = await unlockWithPin(state, '000001', t0);
    expect(out.ok).toBe(false);
    state = out.state;
    expect(state.loan?.attempts.failed).toBe(1);
    const stored = await loadKiosk();
    expect(stored.kind === 'kiosk' && stored.state.loan?.attempts.failed).toBe(1);
    out = await unlockWithPin(state, '482915', t0);
    expect(out.ok).toBe(true);
    expect(out.state.loan?.attempts).toEqual({ failed: 0, notBefore: 0 });
    state = out.state;
    let t = t0;
    for (let i = 0; i < ATTEMPTS_BEFORE_STAFF; i++) {
      out = await unlockWithPin(state, '000001', t);
      state = out.state;
      t += 10 * 60_000;
    }
    expect(!out.ok && out.gate).toEqual({ kind: 'staff' });
    // Even the right PIN is refused now, and refusing it does not count.
    const refused = await unlockWithPin(state, '482915', t);
    expect(refused.ok).toBe(false);
    expect(refused.state.loan?.attempts.failed).toBe(ATTEMPTS_BEFORE_STAFF);
  });

  it('while a wait runs, no PIN is tried at all', async () => {
    let { state } = await lent();
    const t0 = now.getTime();
    for (let i = 0; i < 4; i++) state = (await unlockWithPin(state, '000001', t0)).state;
    const out = await unlockWithPin(state, '482915', t0 + 1000);
    expect(out.ok).toBe(false);
    expect(!out.ok && out.gate.kind).toBe('wait');
    expect(out.state.loan?.attempts.failed).toBe(4);
  });

  it('staff reset a forgotten PIN: the same data key, a new PIN, the count cleared', async () => {
    const { state, key } = await lent();
    let s = state;
    for (let i = 0; i < ATTEMPTS_BEFORE_STAFF; i++) s = (await unlockWithPin(s, '000001', now.getTime() + i * 600_000)).state;
    expect(await resetPin(s, 'wrong passphrase', '730461', FAST)).toEqual({ ok: false, error: 'wrong-staff' });
    expect(await resetPin(s, STAFF, '111111', FAST)).toEqual({ ok: false, error: 'bad-pin' });
    const reset = await resetPin(s, STAFF, '730461', FAST);
    if (!reset.ok) throw new Error(reset.error);
    expect(reset.key).toEqual(key);
    expect(reset.state.loan?.attempts.failed).toBe(0);
    expect((await unlockWithPin(reset.state, '482915', now.getTime())).ok).toBe(false);
    const again = await unlockWithPin((await unlockWithPin(reset.state, '482915', now.getTime())).state, '730461', now.getTime());
    expect(again.ok && again.key).toEqual(key);
  });

  it('changing the staff passphrase re-seals the loan\'s staff box; the old one stops working', async () => {
    const { state, key } = await lent();
    const changed = await changeKioskSettings(state, STAFF, { idleMinutes: 5, clinicName: 'Hill', region: 'MX' }, 'es', 'a brand new staff phrase', FAST);
    if (!changed.ok) throw new Error(changed.error);
    expect(changed.state.settings).toEqual({ idleMinutes: 5, clinicName: 'Hill', region: 'MX' });
    expect(await checkStaff(changed.state, STAFF)).toBe(false);
    expect(await unlockAsStaff(changed.state, STAFF)).toBeNull();
    expect(await unlockAsStaff(changed.state, 'a brand new staff phrase')).toEqual(key);
    expect(await changeKioskSettings(changed.state, STAFF, SETTINGS, 'en', null, FAST)).toEqual({ ok: false, error: 'wrong-staff' });
  });

  it('hand-back: marked as returning, then ended', async () => {
    const { state } = await lent();
    const returning = await markReturning(state);
    expect(returning.loan?.returning).toBe(true);
    const loaded = await loadKiosk();
    expect(loaded.kind === 'kiosk' && loaded.state.loan?.returning).toBe(true);
    expect((await endLoan(returning)).loan).toBeNull();
  });

  it('a damaged or foreign kiosk row is refused whole', async () => {
    const { state } = await lent();
    expect(parseKioskState(state)).toEqual(state);
    const bad: unknown[] = [
      null, { ...state, schemaVersion: 2 }, { ...state, locale: 'fr' }, { ...state, settings: { idleMinutes: 0, clinicName: '', region: 'US' } }, { ...state, settings: { ...state.settings, region: 'XX' } },
      { ...state, staffCheck: { ...state.staffCheck, nonce: new Uint8Array(3) } }, { ...state, loan: { ...state.loan, attempts: { failed: -1, notBefore: 0 } } },
      { ...state, loan: { ...state.loan, pinWrap: 'x' } }, { ...state, provisionedAt: 'yesterday' },
    ];
    for (const v of bad) expect(parseKioskState(v)).toBeNull();
    await saveKiosk({ ...state, locale: 'fr' } as unknown as KioskStateRow);
    expect(await loadKiosk()).toEqual({ kind: 'damaged' });
  });
});

describe('a loaned tablet\'s database', () => {
  it('keeps private keys as sealed bytes, and its entries sealed; the hand-back lists what the relay lacks', async () => {
    keepPrivateKeysAsBytes();
    const name = freshName('kiosk');
    const key = Uint8Array.from({ length: 32 }, (_, i) => i);
    const db = new PacelineDB(name);
    installAtRest(db, { key: () => key });
    const device = await loadOrCreateDeviceKeys(db);
    await loadOrCreateBoxKeys(db);
    unwrap(await createCircle(db, device, CIRCLE, now.getTime()));
    // Keys stored as pkcs8 bytes (no CryptoKey reaches IndexedDB), sealed like every row.
    for (const table of ['deviceKeys', 'ownerKeys', 'docKeys']) {
      const rows = await rawRows(name, table);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row).toHaveProperty('__pl');
        expect(Object.values(row as object).some((v) => typeof CryptoKey !== 'undefined' && v instanceof CryptoKey)).toBe(false);
      }
    }
    // The keys still sign after a reopen.
    db.close();
    const again = new PacelineDB(name);
    installAtRest(again, { key: () => key });
    const reopened = await loadOrCreateDeviceKeys(again);
    expect(reopened.publicKey).toEqual(device.publicKey);
    await crypto.subtle.sign('Ed25519', reopened.privateKey, new Uint8Array([1, 2, 3]));

    // Nothing shared yet: the journal is only here.
    const store = await openJournalStore(again, CIRCLE);
    unwrap(await store.put(diary('2026-11-22T08:00:00.000Z', 4)));
    expect(await listUnacknowledged(again)).toEqual([{ docKey: `${CIRCLE}/journal`, docName: 'journal', state: 'local', waiting: 0 }]);
    // Shared: its full state waits for the relay.
    await enableSharing(again, CIRCLE, 'journal');
    const waiting = await listUnacknowledged(again);
    expect(waiting).toEqual([{ docKey: `${CIRCLE}/journal`, docName: 'journal', state: 'waiting', waiting: 1 }]);
    await store.close();
    again.close();
  });
});
