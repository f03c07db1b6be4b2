// Spawns one relay (bench-relays.ts) in its own Node process and talks to it over IPC:
// its port, its CPU time and memory. The shell in front of node raises the soft fd limit
// when a phase needs more sockets than it allows (ulimit -n, up to the hard limit).

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RelayCommand, RelayKind, RelayReport } from './bench-relays';

type Usage = Extract<RelayReport, { type: 'usage' }>;

export interface RelayProcess {
  kind: RelayKind;
  port: number;
  pid: number;
  /** What runs (versions, store, raised limits). */
  detail: string;
  /** The fd limit the relay process runs with. */
  fdLimit: number;
  /** CPU time and memory now (after three forced GCs when gc is set). */
  usage(gc?: boolean, resetLoopDelay?: boolean): Promise<Usage>;
  stop(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL('./bench-relays.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** The soft and hard fd limits this process (and so its children) starts with. */
export function fdLimits(): { soft: number; hard: number } {
  const out = execFileSync('sh', ['-c', 'ulimit -Sn; ulimit -Hn'], { encoding: 'utf8' }).trim().split('\n');
  const parse = (s: string | undefined) => (s === 'unlimited' ? Number.POSITIVE_INFINITY : Number(s));
  return { soft: parse(out[0]), hard: parse(out[1]) };
}

export interface SpawnOptions {
  /** Extra ServerOptions for the Paceline relay (limits), passed as JSON. */
  relayOptions?: object;
  /** Sockets the relay must hold: the soft fd limit is raised to fit (never above the hard limit). */
  sockets?: number;
  /** Lets the relay force GCs before a memory reading. */
  exposeGc?: boolean;
}

export async function spawnRelay(kind: RelayKind, opts: SpawnOptions = {}): Promise<RelayProcess> {
  const { soft, hard } = fdLimits();
  const wanted = (opts.sockets ?? 0) + 256;
  const fdLimit = soft >= wanted ? soft : Math.min(hard, Math.max(wanted, 4096));
  // RELAY_BENCH_RELAY_FLAGS: extra node flags for the relay, e.g. '--cpu-prof --cpu-prof-dir=/tmp/relay-prof'.
  const extra = (process.env.RELAY_BENCH_RELAY_FLAGS ?? '').split(' ').filter(Boolean);
  const nodeArgs = ['--import', 'tsx', ...(opts.exposeGc ? ['--expose-gc'] : []), ...extra, ENTRY, kind].map((a) => `'${a}'`).join(' ');
  const script = `${fdLimit !== soft ? `ulimit -n ${fdLimit} && ` : ''}exec '${process.execPath}' ${nodeArgs}`;
  const child: ChildProcess = spawn('sh', ['-c', script], {
    cwd: REPO,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, BENCH_RELAY_OPTIONS: JSON.stringify(opts.relayOptions ?? {}) },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waiters: ((m: Usage) => void)[] = [];
  const ready = await new Promise<Extract<RelayReport, { type: 'ready' }>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`relay ${kind} exited with ${code} before it was ready`)));
    child.on('message', (m: RelayReport) => {
      if (m.type === 'ready') resolve(m);
      else if (m.type === 'usage') waiters.shift()?.(m);
    });
  });
  const command = (c: RelayCommand) => child.send(c);
  return {
    kind,
    port: ready.port,
    pid: ready.pid,
    detail: ready.detail,
    fdLimit,
    usage: (gc = false, resetLoopDelay = false) =>
      new Promise<Usage>((resolve) => {
        waiters.push(resolve);
        command({ type: 'usage', gc, resetLoopDelay });
      }),
    stop: async () => {
      if (child.exitCode === null) command({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** CPU of a relay between two readings, as % of one core (may exceed 100 with helper threads). */
export function cpuPercent(a: Usage, b: Usage): number {
  const us = b.cpu.user - a.cpu.user + (b.cpu.system - a.cpu.system);
  return (us / 1000 / (b.at - a.at)) * 100;
}

/** A few counters of a Paceline relay's /metrics: group commits, pushes stored, bytes sent, closes and refusals by reason, and the push-stage histogram's buckets ('push <stage> le <bound>'). */
export async function readPacelineCounters(port: number): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const out: Record<string, number> = {};
  const names: Record<string, string> = {
    paceline_relay_store_commit_writes_count: 'commits',
    paceline_relay_store_commit_writes_sum: 'commitWrites',
    paceline_relay_store_commit_seconds_sum: 'commitSeconds',
    'paceline_relay_pushes_total{result="stored"}': 'pushesStored',
    paceline_relay_sent_bytes_total: 'bytesOut',
  };
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (!m) continue;
    const [, name = '', labels = '', value = '0'] = m;
    const label = /"([^"]*)"/.exec(labels)?.[1] ?? '';
    const stage = name === 'paceline_relay_push_seconds_bucket' ? /stage="([a-z]+)",le="([^"]+)"/.exec(labels) : null;
    if (stage) out[`push ${stage[1]} le ${stage[2]}`] = Number(value);
    if (name === 'paceline_relay_signature_checks_total') out[`checks on ${label}`] = Number(value);
    if (name === 'paceline_relay_store_commit_seconds_bucket') out[`push commit le ${label}`] = Number(value);
    const key = names[name + labels] ?? names[name] ?? (name === 'paceline_relay_closes_total' && label ? `closed ${label}` : name === 'paceline_relay_pushes_rejected_total' && label ? `refused ${label}` : null);
    if (key) out[key] = Number(value);
  }
  return out;
}

/**
 * A quantile of one push stage (check, decided, acked) from the differences of its histogram
 * buckets over a step: the upper bound of the bucket it falls in, in ms (null: no pushes).
 */
export function pushStageQuantileMs(stats: Record<string, number>, stage: string, q: number): number | null {
  const prefix = `push ${stage} le `;
  const buckets = Object.entries(stats)
    .filter(([k]) => k.startsWith(prefix))
    .map(([k, n]) => ({ le: k.slice(prefix.length) === '+Inf' ? Infinity : Number(k.slice(prefix.length)), n }))
    .sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.n ?? 0;
  if (total === 0) return null;
  const hit = buckets.find((b) => b.n >= q * total);
  return hit ? hit.le * 1000 : null;
}
