// Sync status as the UI reads it: changes waiting (pending + sealed, counted in changes),
// the time of the last share, and immutable snapshots for subscribe/getSnapshot.
import { describe, expect, it } from 'vitest';
import { SyncStatusStore } from '../../../src/sync/sync-status';
import { diary, unwrap } from '../storage/test-db';
import { JOURNAL_ID, openDocSync, patientDevice, testHost, waitFor } from './client-fixtures';
import { deviceFromSeed } from './fixtures';

describe('sync status', () => {
  it('counts changes, not envelopes, until the relay acknowledges them; then says when they were shared', async () => {
    const p = await patientDevice(await deviceFromSeed(1));
    let now = 1_000;
    const { host, status } = testHost(p.db, p.device, { now: () => now });
    const sync = await openDocSync(p, host);
    const waiting = () => status.getSnapshot().docs[JOURNAL_ID]?.waiting;
    // The journal's first write (its schema marker) is one change.
    expect(waiting()).toBe(1);
    for (const hour of [8, 9, 10]) unwrap(await p.store.put(diary(`2026-11-20T${String(hour).padStart(2, '0')}:00:00.000Z`, 4)));
    expect(waiting()).toBe(4);
    expect(status.getSnapshot().waiting).toBe(4);
    await sync.flush();
    // Sealed into one envelope, still not shared.
    expect(waiting()).toBe(4);
    expect(status.getSnapshot().lastSharedAt).toBeNull();
    now = 42_000;
    await sync.onAck(1, 1);
    expect(waiting()).toBe(0);
    expect(status.getSnapshot()).toMatchObject({ waiting: 0, lastSharedAt: 42_000 });
    await sync.close();
    await p.store.close();
  });

  it('counts changes written before this tab started syncing', async () => {
    const p = await patientDevice(await deviceFromSeed(1));
    unwrap(await p.store.put(diary('2026-11-20T08:00:00.000Z', 4)));
    const { host, status } = testHost(p.db, p.device);
    const sync = await openDocSync(p, host);
    await waitFor(() => status.getSnapshot().docs[JOURNAL_ID]?.waiting === 2, 'the count');
    await sync.close();
    await p.store.close();
  });

  it('gives a new immutable snapshot per change and notifies subscribers', () => {
    const store = new SyncStatusStore();
    const seen: number[] = [];
    const off = store.subscribe(() => seen.push(store.getSnapshot().waiting));
    const first = store.getSnapshot();
    store.patchDoc('A.journal', { waiting: 2, lastSharedAt: 10 });
    store.patchDoc('B.plan', { waiting: 1, lastSharedAt: 30 });
    expect(first).toMatchObject({ waiting: 0, docs: {} });
    expect(store.getSnapshot()).toMatchObject({ waiting: 3, lastSharedAt: 30 });
    store.setConnection({ state: 'error', issue: { code: 'unauthorized' } });
    expect(store.getSnapshot().lastIssue).toEqual({ code: 'unauthorized' });
    store.removeDoc('B.plan');
    expect(store.getSnapshot()).toMatchObject({ waiting: 2, lastSharedAt: 10 });
    off();
    store.patchDoc('A.journal', { waiting: 0 });
    expect(seen).toEqual([2, 3, 3, 2]);
  });
});
