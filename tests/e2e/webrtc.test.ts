// Live peer-to-peer sync (y-webrtc, signaling through the relay's /signal) between two linked
// devices in real Chromium. WebRTC between two local pages needs a private network namespace
// (TOOLCHAIN.md): the session runs in one made with `unshare -n` (root, as on CI), with a
// non-loopback interface so Chromium reports itself online, and no route anywhere else.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
// IPv6 is off in the namespace: a link-local address appearing a second after start (DAD) made
// Chromium abort loads in flight with ERR_NETWORK_CHANGED, leaving a page on its loading shell
// about one run in four. The session starts only once both ends report the link up.
const NAMESPACE_SETUP = [
  'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6',
  'echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6',
  'ip link set lo up',
  'ip link add v0 type veth peer name v1',
  'ip addr add 10.200.0.1/24 dev v0',
  'ip link set v0 up',
  'ip link set v1 up',
  'for i in $(seq 50); do ip link show v0 | grep -q \'state UP\' && break; sleep 0.1; done',
  'exec node --import tsx tests/e2e/webrtc-session.ts',
].join(' && ');

describe('live sync over y-webrtc', () => {
  test('an entry reaches the linked device through the peer session while the relay is cut off', () => {
    const run = spawnSync('unshare', ['-n', 'sh', '-c', NAMESPACE_SETUP], { cwd: ROOT, encoding: 'utf8', timeout: 150_000, env: process.env });
    const line = `${run.stdout ?? ''}`.split('\n').find((l) => l.startsWith('WEBRTC_RESULT '));
    expect(line, `the session did not report (needs root for unshare -n): ${run.error?.message ?? ''} ${run.stderr ?? ''}`).toBeDefined();
    const result = JSON.parse(line!.slice('WEBRTC_RESULT '.length)) as { ok: boolean; error?: string; phoneLine?: string; relayAttemptsWhileCut?: number };
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    // The phone could not reach the relay, so the change it made is still waiting there…
    expect(result.phoneLine).toMatch(/^1 change is waiting to be shared/);
    expect(result.relayAttemptsWhileCut).toBeGreaterThan(0);
  }, 160_000);
});
