// Snapshots from the client's side: uploaded only when nothing local is waiting (so a
// second device holding the same state can confirm it), and a newer snapshot learned from
// the relay restarts the count towards this device's next one.
import { describe, expect, it } from 'vitest';
import { getSyncDoc } from '../../../src/storage/sync-store';
import { sealSnapshot } from '../../../src/sync/doc-seal';
import type { ClientMessage } from '../../../src/sync/protocol';
import type { SealedEnvelope, UpdateHeader } from '../../../src/sync/protocol-envelope';
import { diary, unwrap } from '../storage/test-db';
import { JOURNAL_ID, JOURNAL_KEY, openDocSync, patientDevice, testHost, waitFor } from './client-fixtures';
import { deviceFromSeed } from './fixtures';

type Push = Extract<ClientMessage, { type: 'push' }>;
type Snapshot = Extract<ClientMessage, { type: 'snapshot' }>;

describe('snapshot upload', () => {
  it('waits until no local change is pending or unacknowledged, then covers exactly the cursor', async () => {
    const p = await patientDevice(await deviceFromSeed(1));
    const t = testHost(p.db, p.device, { batchMs: 60_000, snapshotEvery: 1 });
    t.setConnected(true);
    const sync = await openDocSync(p, t.host);
    sync.connected();
    await sync.onUpdates([], false);
    let seq = 0;
    /** The relay's answer to every push so far: the update back to us (fan-out), then the ack. */
    const relayAnswers = async () => {
      for (const msg of t.pushes.splice(0)) {
        if (msg.type !== 'push') continue;
        const envelope = (msg as Push).envelope as SealedEnvelope<UpdateHeader>;
        seq += 1;
        await sync.onUpdates([{ seq, envelope }], false);
        await sync.onAck(envelope.header.devSeq, seq);
      }
    };
    await sync.flush();
    await waitFor(() => t.pushes.length === 1, 'the first push');
    unwrap(await p.store.put(diary('2026-11-20T08:00:00.000Z', 3)));
    await sync.flush();
    unwrap(await p.store.put(diary('2026-11-20T09:00:00.000Z', 4)));
    // Acked, but a change is still pending: no snapshot yet (it would hold a change that no seq carries).
    await relayAnswers();
    expect(t.pushes.filter((m) => m.type === 'snapshot')).toEqual([]);
    await sync.flush();
    await relayAnswers();
    await waitFor(() => t.pushes.some((m) => m.type === 'snapshot'), 'the snapshot');
    const snapshot = t.pushes.find((m): m is Snapshot => m.type === 'snapshot') as Snapshot;
    expect(snapshot.envelope.header).toMatchObject({ type: 'snapshot', coversSeq: seq });
    expect((await getSyncDoc(p.db, JOURNAL_KEY))?.cursor).toBe(seq);
    await sync.close();
    await p.store.close();
  });

  it('a newer snapshot learned from the relay restarts the count towards our own', async () => {
    const p = await patientDevice(await deviceFromSeed(1));
    const t = testHost(p.db, p.device, { batchMs: 60_000, snapshotEvery: 1000 });
    t.setConnected(true);
    const sync = await openDocSync(p, t.host);
    sync.connected();
    await sync.onUpdates([], false);
    await sync.flush();
    await waitFor(() => t.pushes.length === 1, 'the first push');
    const envelope = (t.pushes[0] as Push).envelope as SealedEnvelope<UpdateHeader>;
    await sync.onUpdates([{ seq: 1, envelope }], false);
    await sync.onAck(envelope.header.devSeq, 1);
    expect(sync.syncState.ackedSinceSnapshot).toBe(1);
    // Another tab of this device uploaded a snapshot at seq 1; the relay offers it.
    const sealed = await sealSnapshot(p.store.doc, JOURNAL_ID, p.trust, p.device, sync.syncState);
    if (!sealed.ok) throw new Error(sealed.error.code);
    await sync.onSnapshotOffer(sealed.value.envelope);
    expect(sync.syncState).toMatchObject({ snapshot: { coversSeq: 1, hash: sealed.value.hash }, ackedSinceSnapshot: 0 });
    expect((await getSyncDoc(p.db, JOURNAL_KEY))?.ackedSinceSnapshot).toBe(0);
    await sync.close();
    await p.store.close();
  });
});
