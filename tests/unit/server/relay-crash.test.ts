// A relay killed with SIGKILL in the middle of a stream of pushes loses no acknowledged
// update: the relay runs as a child process (node --import tsx) on a temporary data dir.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bytesEqual, toHex } from '../../../src/sync/codec-bytes';
import type { DeviceKeys } from '../../../src/sync/crypto';
import { type SealedEnvelope, type UpdateHeader, writeEnvelope } from '../../../src/sync/protocol-envelope';
import { RelayClient, filler, makeCircle, sealUpdate } from '../../helpers/relay-client';
import { tempDir } from '../../helpers/relay-server';

const root = resolve(import.meta.dirname, '../../..');
const data = tempDir('paceline-crash-');
const children: ChildProcess[] = [];

/** Starts `sync-server/server.ts` as its own process and resolves with its relay URL. */
function startRelayProcess(): Promise<{ child: ChildProcess; relayUrl: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/server.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: data.dir, STATIC_DIR: resolve(data.dir, 'no-app'), RELAY_ID: 'ws://relay.test', LOG_LEVEL: 'error', NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((ok, fail) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(new Error(`relay did not start: ${out} ${err}`)), 15_000);
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running at http:\/\/([^/\s]+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        ok({ child, relayUrl: `ws://${m[1]}/relay` });
      }
    });
    child.once('exit', (code) => fail(new Error(`relay exited with ${code}: ${err}`)));
  });
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  data.remove();
});

describe('relay crash safety', () => {
  it('keeps every acknowledged update through a SIGKILL mid-stream', async () => {
    const circle = await makeCircle();
    const journal = circle.doc('journal');
    const writers: DeviceKeys[] = [circle.phone, circle.tablet, circle.carer];
    const PER_WRITER = 90;
    const envelopes = new Map<string, SealedEnvelope<UpdateHeader>[]>();
    for (const w of writers) envelopes.set(toHex(w.publicKey), await Promise.all(Array.from({ length: PER_WRITER }, (_, i) => sealUpdate(w, journal, i + 1, filler(2_000, i)))));
    const envsOf = (w: DeviceKeys) => envelopes.get(toHex(w.publicKey)) as SealedEnvelope<UpdateHeader>[];

    const first = await startRelayProcess();
    const owner = await RelayClient.connect(first.relayUrl, circle.phone);
    expect(await owner.publish([circle.genesis])).toBe('ok');

    // Acknowledged (device, devSeq) -> seq, as the clients saw them before the kill.
    const acked = new Map<string, number>();
    let killAfter = 100;
    let killed!: () => void;
    const killedAt = new Promise<void>((r) => (killed = r));
    const clients = await Promise.all(writers.map((w) => RelayClient.connect(first.relayUrl, w)));
    clients.forEach((client, k) => {
      const w = writers[k] as DeviceKeys;
      client.ws.on('message', () => {
        for (const m of client.inbox.splice(0)) {
          if (m.type !== 'ack') continue;
          acked.set(`${toHex(w.publicKey)}:${m.devSeq}`, m.seq);
          if (--killAfter === 0) {
            first.child.kill('SIGKILL');
            killed();
          }
        }
      });
      for (const envelope of envsOf(w)) client.send({ type: 'push', envelope });
    });
    await killedAt;
    await new Promise<void>((r) => (first.child.exitCode !== null || first.child.signalCode !== null ? r() : first.child.once('exit', () => r())));
    const ackedBeforeKill = new Map(acked);
    expect(ackedBeforeKill.size).toBeGreaterThanOrEqual(100);
    expect(ackedBeforeKill.size).toBeLessThan(writers.length * PER_WRITER);

    // Restart on the same data directory: every acknowledged update is there, at its seq.
    const second = await startRelayProcess();
    const reader = await RelayClient.connect(second.relayUrl, circle.doctor);
    const before = await reader.catchUp(journal);
    const keyOf = (h: SealedEnvelope['header']) => `${toHex(h.devicePk)}:${h.type === 'update' ? h.devSeq : 0}`;
    const stored = new Map(before.items.map((i) => [keyOf(i.envelope.header), i]));
    expect(before.items.map((i) => i.seq)).toEqual(before.items.map((_, k) => k + 1));
    for (const [key, seq] of ackedBeforeKill) {
      const item = stored.get(key);
      expect(item?.seq, key).toBe(seq);
      const [pk, devSeq] = key.split(':');
      const original = envelopes.get(pk as string)?.[Number(devSeq) - 1] as SealedEnvelope<UpdateHeader>;
      expect(bytesEqual(writeEnvelope(item!.envelope), writeEnvelope(original))).toBe(true);
    }

    // The clients retry everything they had no ack for: duplicates are acked, the rest stored.
    const retry = await Promise.all(writers.map((w) => RelayClient.connect(second.relayUrl, w)));
    await Promise.all(
      retry.map(async (client, k) => {
        const w = writers[k] as DeviceKeys;
        const pending = envsOf(w).filter((e) => !ackedBeforeKill.has(`${toHex(w.publicKey)}:${e.header.devSeq}`));
        for (const envelope of pending) client.send({ type: 'push', envelope });
        for (const e of pending) expect(await client.ackOrError(journal, e.header.devSeq)).toMatchObject({ type: 'ack' });
      }),
    );
    const after = await (await RelayClient.connect(second.relayUrl, circle.doctor)).catchUp(journal);
    expect(after.items.map((i) => i.seq)).toEqual(Array.from({ length: writers.length * PER_WRITER }, (_, k) => k + 1));
    second.child.kill('SIGTERM');
  }, 30_000);
});
