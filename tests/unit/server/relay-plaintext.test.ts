// The relay's storage holds no plaintext: a diary note sealed into a Yjs update is absent
// from every byte of the SQLite files, while its ciphertext is there (the control).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { utf8 } from '../../../src/sync/codec-bytes';
import type { RunningServer } from '../../../sync-server/server';
import { SQLITE_FILE } from '../../../sync-server/storage/sqlite';
import { RelayClient, sealSnapshot, sealUpdate } from '../../helpers/relay-client';
import { publishedCircle, startTestRelay, tempDir } from '../../helpers/relay-server';

const MARKER = 'MARKER-diary-knee-pain-7-after-physio-7f3a';

/** Every file of the data directory, concatenated (the database, its WAL while open). */
function storedBytes(dir: string): { files: string[]; all: Buffer } {
  const files = readdirSync(dir).filter((f) => f.startsWith(SQLITE_FILE));
  return { files, all: Buffer.concat(files.map((f) => readFileSync(join(dir, f)))) };
}

describe('relay storage holds no plaintext', () => {
  const data = tempDir();
  let relay: RunningServer;
  beforeAll(async () => {
    relay = await startTestRelay({ dataDir: data.dir });
  });
  afterAll(async () => {
    await relay.close();
    data.remove();
  });

  it('finds the ciphertext but never the diary note in the database files, open or closed', async () => {
    const circle = await publishedCircle(relay);
    const journal = circle.doc('journal');
    const doc = new Y.Doc();
    doc.getMap('entries').set('01JB7Y9W3T5V0X2Z4A6C8E0G2J', { kind: 'diary', pain: 7, note: MARKER });
    const update = Y.encodeStateAsUpdate(doc);
    expect(Buffer.from(update).includes(MARKER)).toBe(true);

    const phone = await RelayClient.connect(relay.relayUrl, circle.phone);
    const pushed = await sealUpdate(circle.phone, journal, 1, update);
    expect(await phone.push(pushed)).toMatchObject({ type: 'ack', seq: 1 });
    const snap = await sealSnapshot(circle.phone, journal, 1, null, update);
    phone.send({ type: 'snapshot', envelope: snap });
    await phone.next((m) => m.type === 'snapshot-ack');
    expect(await phone.push(await sealUpdate(circle.phone, journal, 2, utf8(`{"note":"${MARKER}"}`)))).toMatchObject({ type: 'ack' });

    const open = storedBytes(data.dir);
    expect(open.files).toContain(`${SQLITE_FILE}-wal`);
    expect(open.all.includes(MARKER)).toBe(false);
    expect(open.all.includes(Buffer.from(pushed.ciphertext))).toBe(true);
    expect(open.all.includes(Buffer.from(snap.ciphertext))).toBe(true);

    await relay.close();
    const closed = storedBytes(data.dir);
    expect(closed.all.includes(MARKER)).toBe(false);
    expect(closed.all.includes(Buffer.from(pushed.ciphertext))).toBe(true);
  });
});
