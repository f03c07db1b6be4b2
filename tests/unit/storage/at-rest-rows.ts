// One realistic row for every table of PacelineDB, for the at-rest tests (Yjs updates, keys, nested bytes).
import * as Y from 'yjs';
import { aggregateWeeks, toLatestScoreRow, toRecordRow } from '../../../src/storage/derived-rows';
import { CIRCLE, assessment, diary } from './test-db';

/** Distinctive text that must never be found in clear in a sealed database. */
export const SECRET_NOTE = 'Flare after the MRI appointment, told Dr. Okonkwo';

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

/** Table name to row; auto-increment tables (docUpdates, syncPending) without their key. */
export async function rowsForEveryTable(): Promise<Record<string, object>> {
  const entry = diary('2025-06-02T08:00:00.000Z', 7, { mood: 3, sleepQuality: 4, note: SECRET_NOTE, bodyAreas: ['lower-back', 'hip-left'] });
  const peg = assessment('2025-06-03T08:00:00.000Z', 'peg', [6, 7, 5]);
  const doc = new Y.Doc();
  doc.getMap('diary').set(entry.id, entry);
  const update = Y.encodeStateAsUpdate(doc);
  // Private keys as a clinic tablet stores them (private-keys.ts): pkcs8 bytes, sealed like the rest.
  const device = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']) as CryptoKeyPair;
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', device.publicKey));
  const privateKey = { pkcs8: new Uint8Array(await crypto.subtle.exportKey('pkcs8', device.privateKey)), alg: 'Ed25519' };
  const docKey = `${CIRCLE}/journal`;
  const week = [...aggregateWeeks(CIRCLE, [entry]).values()][0]!;
  return {
    docUpdates: { docKey, update, at: 1_750_000_000_000 },
    docMeta: { docKey, circleId: CIRCLE, docName: 'journal', updateCount: 1, schemaVersion: 1, derivedVersion: 1 },
    records: toRecordRow(CIRCLE, entry),
    weeks: week,
    latestScores: toLatestScoreRow(CIRCLE, peg),
    profile: { key: 'device', circleId: CIRCLE, role: 'patient', createdAt: '2025-06-01T00:00:00.000Z', schemaVersion: 1 },
    settings: { key: 'persistence', value: { requested: true, granted: false, checkedAt: '2025-06-01T00:00:00.000Z' } },
    syncPending: { docKey, update, at: 1_750_000_000_001 },
    syncOutbox: { docKey, devSeq: 3, envelope: bytes(300, 1), changes: 2, createdAt: 1_750_000_000_002, schemaVersion: 1 },
    syncDocs: {
      docKey, circleId: CIRCLE, docName: 'journal', schemaVersion: 1, enabledAt: 1, cursor: 41, nextDevSeq: 4, lastAckedSeq: 40,
      lastAckedAt: null, ackedSinceSnapshot: 2, snapshot: { coversSeq: 30, hash: bytes(32, 2) }, baselineFromSnapshot: false,
      devices: { ab12: { devSeq: 9, at: 1_750_000_000_003, gaps: 0 } },
    },
    deviceKeys: { id: 'device', publicKey, privateKey, createdAt: 1, schemaVersion: 1 },
    ownerKeys: { circleId: CIRCLE, publicKey, privateKey, createdAt: 2, schemaVersion: 1 },
    docKeys: { docKey, epoch: 2, material: bytes(32, 3), addedAt: 3, schemaVersion: 1 },
    memberships: { circleId: CIRCLE, ownerPk: publicKey, links: [bytes(120, 4), bytes(150, 5)], relayVersion: 2, updatedAt: 4, schemaVersion: 1 },
    circles: { circleId: CIRCLE, role: 'patient', label: 'Ana María Pérez', joinedAt: 5, schemaVersion: 1 },
    readMarks: { circleId: CIRCLE, threadId: 'thread-1', lastReadAt: '2025-06-02T09:00:00.000Z' },
    circleSummaries: {
      circleId: CIRCLE, patientName: 'Ana María Pérez', peg: [{ at: peg.at, score: 6 }], pegBaseline: { at: peg.at, score: 6 },
      phq9: [], adherence: 0.75, adherenceWeek: '2025-05-26', lastDataAt: entry.at, openAlerts: [], updatedAt: 6, schemaVersion: 1,
    },
    inviteClaims: { circleId: CIRCLE, invitePk: publicKey, inviteKey: privateKey, inviteLink: bytes(90, 6), claimBy: 7, acceptedAt: 8, schemaVersion: 1 },
  };
}
