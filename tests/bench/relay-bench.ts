// Relay benchmarks (issue 3), side by side in one run; prints the figures and writes
// tests/bench/results/relay-latest.json. Every relay runs in its own child process
// (bench-relays.ts) so its CPU is measured alone; all clients live in this process.
//
//   npx tsx tests/bench/relay-bench.ts
//
// 1. Fan-out: 200 clients in rooms of 10 at 5, 20 and 50 updates/s per client, against a
//    bare `ws` broadcast relay (upper bound), @y/websocket-server 0.1.1, and the Paceline
//    relay (signature checks on) with the in-memory store and with the SQLite store.
// 2. Catch-up after 30 offline days (30 diary entries, 60 practice logs, 2 PHQ-9).
// 3. Relay memory per idle connection, 5,000 authenticated and subscribed connections.
//
// Environment (for short runs while developing; the defaults are the full run, ~13 min):
//   RELAY_BENCH_QUICK=1            20 clients, 1 s steps, 500 idle connections (written to the temp dir)
//   RELAY_BENCH_PHASES=fanout,catchup,idle     RELAY_BENCH_RELAYS=bare,yws,paceline-memory,paceline-sqlite[,paceline-sqlite-main]
//   RELAY_BENCH_CLIENTS, RELAY_BENCH_STEP_SECONDS, RELAY_BENCH_ROUNDS, RELAY_BENCH_IDLE   override one setting
//   RELAY_BENCH_RATES=20           the fan-out rates per client (default 5,20,50)
//   RELAY_BENCH_VERIFY_THREADS=n   the Paceline relay's signature threads
//   (paceline-sqlite-main: a relay with SQLite on its main thread, next to the default one in the same run)
//   RELAY_BENCH_RELAY_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/relay-prof'   node flags for the relay processes
// Benchmarks report; they never fail on noise.

import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { resolve } from 'node:path';
import type { RelayKind } from './bench-relays';
import { runCatchup, type CatchupResult } from './catchup';
import { Deliveries, type LoadClients, type Step, type StepResult, messagesPerClient, runSteps } from './fanout';
import { runIdleMemory, type IdleMemoryResult } from './idle-memory';
import { mannWhitneyGreater } from './stats';
import { connectPacelineClients, sealSupply } from './paceline-load-client';
import { makeCircles } from './paceline-wire';
import { fdLimits, pushStageQuantileMs, readPacelineCounters, spawnRelay } from './relay-process';
import { connectYjsClients } from './yjs-ws-client';

const env = process.env;
const quick = env.RELAY_BENCH_QUICK === '1';
const phases = new Set((env.RELAY_BENCH_PHASES ?? 'fanout,catchup,idle').split(','));
const relays = (env.RELAY_BENCH_RELAYS ?? 'bare,yws,paceline-memory,paceline-sqlite').split(',') as RelayKind[];
const CLIENTS = Number(env.RELAY_BENCH_CLIENTS ?? (quick ? 20 : 200));
const ROOM = 10;
const STEP_SECONDS = Number(env.RELAY_BENCH_STEP_SECONDS ?? (quick ? 1 : 5));
// p99 on 2 shared cores moves by 2-3x from one run to the next (the relay, its threads and
// the load generator compete for the cores; a GC pause in either lands in the tail), so the
// fan-out runs ROUNDS times, relays interleaved, and the verdict is taken on the medians and
// on a rank test of all rounds (stats.ts): with 5 rounds each it can tell a p99 that is
// higher in most rounds (p < 0.05) from one that is not.
const ROUNDS = Number(env.RELAY_BENCH_ROUNDS ?? (quick ? 1 : 5));
const IDLE = Number(env.RELAY_BENCH_IDLE ?? (quick ? 500 : 5000));
const WARMUP: Step = { rate: 5, seconds: 1 };
// After each step, up to this long for its deliveries: the next step starts without a backlog.
const DRAIN_MS = 10_000;
const STEPS: Step[] = (env.RELAY_BENCH_RATES ? env.RELAY_BENCH_RATES.split(',').map(Number) : [5, 20, 50]).map((rate) => ({ rate, seconds: STEP_SECONDS }));
// LIMITS.pushesPerSecond is 20/s per connection (burst 100): the 20/s and 50/s steps need
// more, and a relay that falls behind reads a backlog in bursts, so the limit is raised far
// enough never to refuse (a refused push would break every later devSeq of that device).
const PACELINE_LIMITS = { pushesPerSecond: 1000, pushBurst: 100_000 };

const fd = fdLimits();
const environment = {
  node: process.version,
  cpus: cpus().length,
  availableParallelism: availableParallelism(),
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
  fdLimit: fd,
};
console.log(`Relay benchmarks: Node ${environment.node}, ${environment.cpus} CPU cores in total (${environment.cpuModel}); relay in its own process, all clients in this one.`);
console.log(`Load average at start: ${environment.loadAverageAtStart.join(' ')} (other work on these cores skews every figure).  fd limit: soft ${fd.soft}, hard ${fd.hard}.${quick ? '  QUICK RUN.' : ''}`);

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const NAMES: Record<RelayKind, string> = { bare: 'bare ws (upper bound)', yws: '@y/websocket-server', 'paceline-memory': 'Paceline, memory store', 'paceline-sqlite': 'Paceline, SQLite store', 'paceline-sqlite-main': 'Paceline, SQLite, main' };

interface FanoutRelayResult {
  kind: RelayKind;
  detail: string;
  steps: StepResult[];
  warmup: StepResult | undefined;
  errors: Record<string, number>;
  /** Deliveries that arrived only after their step's drain limit. */
  late: number;
  note: string;
  round: number;
}

async function fanout(): Promise<{ config: object; relays: FanoutRelayResult[] }> {
  const perClient = messagesPerClient([WARMUP, ...STEPS]);
  console.log(`\n1. Fan-out: ${CLIENTS} clients in rooms of ${ROOM}, each at ${STEPS.map((s) => s.rate).join(', ')} updates/s for ${STEP_SECONDS} s (after a ${WARMUP.seconds} s warm-up at ${WARMUP.rate}/s).`);
  const circles = await makeCircles(CLIENTS / ROOM, ROOM);
  const supply = relays.some((k) => k.startsWith('paceline')) ? await sealSupply(circles, perClient) : null;
  if (supply) console.log(`   Pre-sealed ${CLIENTS} x ${perClient} envelopes in ${f(supply.sealMs / 1000)} s (Yjs update ${f(supply.plaintextBytes, 0)} B -> push frame ${f(supply.envelopeBytes + 2, 0)} B).`);
  const out: FanoutRelayResult[] = [];
  // Each round starts with the next relay: two relay builds compared, then compared again with
  // their places swapped, traded places in the result, so a fixed order biases the comparison.
  const order = (round: number) => relays.map((_, i) => relays[(i + round - 1) % relays.length] as RelayKind);
  for (let round = 1; round <= ROUNDS; round++) for (const kind of order(round)) {
    const paceline = kind.startsWith('paceline');
    // RELAY_BENCH_VERIFY_THREADS=n sets the relay's signature-check threads (default: one per core but one).
    const threads = env.RELAY_BENCH_VERIFY_THREADS === undefined ? {} : { verifyThreads: Number(env.RELAY_BENCH_VERIFY_THREADS) };
    const relay = await spawnRelay(kind, paceline ? { relayOptions: { limits: PACELINE_LIMITS, ...threads } } : {});
    const deliveries = new Deliveries(CLIENTS, perClient, ROOM);
    const url = `ws://127.0.0.1:${relay.port}`;
    let load: LoadClients;
    let note = '';
    let messageBytes: () => number;
    if (paceline && supply) {
      load = await connectPacelineClients({ relayUrl: `${url}/relay`, circles, supply, onDelivery: deliveries.onDelivery });
      note = `signatures verified; push rate limit raised to ${PACELINE_LIMITS.pushesPerSecond}/s, burst ${PACELINE_LIMITS.pushBurst} (LIMITS: 20/s, burst 100)`;
      messageBytes = () => supply.envelopeBytes + 2;
    } else {
      const yjs = await connectYjsClients({ url, clients: CLIENTS, roomSize: ROOM, handshake: kind === 'yws', onDelivery: deliveries.onDelivery });
      load = yjs;
      // messageSync, messageYjsUpdate and the length, then the update.
      messageBytes = () => yjs.updateBytes() + 3;
    }
    const probe = paceline ? () => readPacelineCounters(relay.port) : undefined;
    const [warmup, ...steps] = await runSteps({ clients: CLIENTS, deliveries, load, relay, drainMs: DRAIN_MS, ...(probe && { probe }) }, [WARMUP, ...STEPS]);
    note = [`messages of ${f(messageBytes(), 0)} B`, note].filter(Boolean).join('; ');
    await load.close();
    await relay.stop();
    out.push({ kind, detail: relay.detail, steps, warmup, errors: Object.fromEntries(load.errors), late: deliveries.late, note, round });
    console.log(`   ${NAMES[kind].padEnd(24)} done${ROUNDS > 1 ? ` (round ${round} of ${ROUNDS})` : ''}`);
  }
  const sealed = supply && { perClient, sealMs: supply.sealMs, yjsUpdateBytes: supply.plaintextBytes, pushFrameBytes: supply.envelopeBytes + 2 };
  return { config: { clients: CLIENTS, roomSize: ROOM, warmup: WARMUP, steps: STEPS, rounds: ROUNDS, pacelineLimits: PACELINE_LIMITS, sealed }, relays: out };
}

/** The target's verdict for one Paceline relay at one rate. */
interface Verdict {
  relay: RelayKind;
  rate: number;
  throughputRatio: number;
  p99Ms: number;
  ywsP99Ms: number;
  /** On the medians over rounds. */
  meets: boolean;
  roundsMet: number;
  rounds: number;
  /** One-sided Mann-Whitney over the rounds' p99s: how likely so high a rank sum were both relays' p99 the same (small: Paceline's is higher). */
  higherP: number;
}

/** Prints the fan-out figures; returns the verdicts against @y/websocket-server. */
function printFanout(runs: FanoutRelayResult[]): Verdict[] {
  const rs = [...runs].sort((a, b) => relays.indexOf(a.kind) - relays.indexOf(b.kind) || a.round - b.round);
  console.log('\n   relay                    upd/s/client  sent/s  delivered/s  delivered   p50 ms   p99 ms    max ms  relay CPU  µs/msg  load-gen CPU  other CPU');
  for (const r of rs) {
    for (const s of r.steps) {
      const pct = s.expected ? (s.delivered / s.expected) * 100 : 0;
      const flag = s.loadBound ? '  *' : '';
      console.log(`   ${(NAMES[r.kind] + (ROUNDS > 1 ? ` #${r.round}` : '')).padEnd(24)}${String(s.ratePerClient).padStart(6)}  ${f(s.sent / s.seconds, 0).padStart(12)}  ${f(s.deliveredPerSecond, 0).padStart(11)}  ${f(pct, 1).padStart(8)}%  ${f(s.p50Ms, 1).padStart(7)}  ${f(s.p99Ms, 1).padStart(7)}  ${f(s.maxMs, 0).padStart(8)}  ${f(s.relayCpuPercent, 0).padStart(8)}%  ${f(s.relayCpuUsPerMessage, 0).padStart(6)}  ${f(s.loadCpuPercent, 0).padStart(11)}%  ${f(s.otherCpuPercent, 0).padStart(8)}%${flag}`);
    }
  }
  console.log(`   CPU: % of one core while sending (process.cpuUsage, all threads), of the relay process, of this load generator, and of everything else (/proc/stat; other work on these ${environment.cpus} cores); µs/msg: relay CPU time per message sent, draining included.`);
  console.log(`   delivered: to the other ${ROOM - 1} members of the room, within ${DRAIN_MS / 1000} s after the step's last send (delivered/s: from the first send to the last delivery).`);
  console.log('   * = the load generator could not keep up (sent 3% or more below schedule, or its CPU >= 90%): the step measures the 2 shared cores, not the relay alone.');
  for (const r of rs) {
    const extra = [r.note, r.late ? `${r.late} deliveries arrived after their step` : '', Object.keys(r.errors).length ? `client saw ${JSON.stringify(r.errors)}` : ''].filter(Boolean);
    console.log(`   ${NAMES[r.kind]}${ROUNDS > 1 ? ` #${r.round}` : ''}: ${r.detail}${extra.length ? `; ${extra.join('; ')}` : ''}`);
    const delays = r.steps.map((s) => `${s.ratePerClient}/s ${s.relayLoopDelay ? `${f(s.relayLoopDelay.p99Ms)}/${f(s.relayLoopDelay.maxMs, 0)}` : '-'} | ${f(s.loadLoopDelay.p99Ms)}/${f(s.loadLoopDelay.maxMs, 0)}`);
    console.log(`      event-loop delay p99/max ms (relay | load generator): ${delays.join('; ')}`);
    for (const s of r.steps) {
      const st = s.relayStats;
      if (!st) continue;
      const commits = st.commits ?? 0;
      const other = Object.entries(st).filter(([k]) => k.startsWith('closed') || k.startsWith('refused'));
      const stage = (name: string) => [0.5, 0.99].map((q) => pushStageQuantileMs(st, name, q)).map((ms) => (ms === null ? '-' : ms === Infinity ? '>1000' : f(ms))).join('/');
      console.log(`      ${s.ratePerClient}/s: ${commits} group commits, ${f((st.commitWrites ?? 0) / Math.max(1, commits), 1)} writes and ${f(((st.commitSeconds ?? 0) * 1000) / Math.max(1, commits), 2)} ms each; ${st.pushesStored ?? 0} pushes stored${other.length ? `; relay ${JSON.stringify(Object.fromEntries(other))}` : ''}`);
      console.log(`         inside the relay, from a push's frame to (p50/p99 ms, bucket bounds): signature verdict ${stage('check')}, ledger decision ${stage('decided')}, ack after the durable commit ${stage('acked')} (protocol 3 fans out before it); one group commit ${stage('commit')}; signatures checked on the main thread ${f((100 * (st['checks on main'] ?? 0)) / Math.max(1, (st['checks on main'] ?? 0) + (st['checks on worker'] ?? 0)), 0)}%`);
    }
  }
  const kinds = [...new Set(rs.map((r) => r.kind))];
  const runsOf = (k: RelayKind) => rs.filter((r) => r.kind === k);
  // Per relay and rate: the median over rounds of each figure, and the p99 range.
  const medians = new Map(kinds.map((k) => [k, STEPS.map((step, i) => {
    const at = runsOf(k).map((r) => r.steps[i] as StepResult);
    const p99s = at.map((x) => x.p99Ms);
    return { rate: step.rate, delivered: median(at.map((x) => x.deliveredPerSecond)), p99: median(p99s), p99Min: Math.min(...p99s), p99Max: Math.max(...p99s), cpu: median(at.map((x) => x.relayCpuPercent)) };
  })]));
  if (ROUNDS > 1) {
    console.log(`\n   Medians over ${ROUNDS} rounds          upd/s/client  delivered/s   p99 ms (min-max over rounds)   relay CPU`);
    for (const k of kinds) {
      for (const m of medians.get(k) ?? []) console.log(`   ${NAMES[k].padEnd(32)}${String(m.rate).padStart(6)}  ${f(m.delivered, 0).padStart(11)}  ${f(m.p99, 1).padStart(8)} (${f(m.p99Min, 1)}-${f(m.p99Max, 1)})`.padEnd(99) + `${f(m.cpu, 0).padStart(4)}%`);
    }
  }
  const peak = kinds.map((k) => {
    const best = (medians.get(k) ?? []).reduce((a, b) => (b.delivered > a.delivered ? b : a));
    return `${NAMES[k]} ${f(best.delivered, 0)}/s (at ${best.rate}/s/client, p99 ${f(best.p99, 1)} ms)`;
  });
  console.log(`   Peak delivered/s${ROUNDS > 1 ? ' (medians)' : ''}: ${peak.join('; ')}`);
  const yws = medians.get('yws');
  if (!yws) return [];
  const all: Verdict[] = [];
  for (const k of kinds.filter((x) => x.startsWith('paceline'))) {
    const mine = medians.get(k) ?? [];
    const verdicts = mine.map((m, i) => {
      const y = yws[i] as (typeof yws)[number];
      const ok = meets(m.delivered, m.p99, y.delivered, y.p99);
      // Round by round too: the same round's two runs were made minutes apart, not hours.
      const rounds = runsOf(k).filter((r) => {
        const other = rs.find((x) => x.kind === 'yws' && x.round === r.round);
        const a = r.steps[i] as StepResult;
        const b = other?.steps[i];
        return b !== undefined && meets(a.deliveredPerSecond, a.p99Ms, b.deliveredPerSecond, b.p99Ms);
      }).length;
      const p99s = (kind: RelayKind) => runsOf(kind).map((r) => (r.steps[i] as StepResult).p99Ms);
      const higherP = mannWhitneyGreater(p99s(k), p99s('yws'));
      all.push({ relay: k, rate: m.rate, throughputRatio: m.delivered / y.delivered, p99Ms: m.p99, ywsP99Ms: y.p99, meets: ok, roundsMet: rounds, rounds: ROUNDS, higherP });
      const test = ROUNDS > 2 ? `; rank test of the rounds' p99s, higher: p = ${f(higherP, 2)}${higherP < 0.05 ? ' (higher)' : ' (not distinguishable from noise)'}` : '';
      return `${m.rate}/s: ${f(m.delivered / y.delivered, 2)}x throughput, p99 ${f(m.p99, 2)} vs ${f(y.p99, 2)} ms ${ok ? 'MEETS' : 'misses'}${ROUNDS > 1 ? ` (meets in ${rounds} of ${ROUNDS} rounds${test})` : ''}`;
    });
    console.log(`   Target (>= y-websocket-server throughput at <= its p99${ROUNDS > 1 ? ', medians' : ''}), ${NAMES[k]}: ${verdicts.join('; ')}`);
  }
  return all;
}

/** The target: at least @y/websocket-server's throughput (within 1%) at no more than its p99. */
function meets(delivered: number, p99: number, ywsDelivered: number, ywsP99: number): boolean {
  return delivered >= 0.99 * ywsDelivered && p99 <= ywsP99;
}

function median(xs: number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  const mid = a.length >> 1;
  return a.length === 0 ? Number.NaN : a.length % 2 ? (a[mid] as number) : ((a[mid - 1] as number) + (a[mid] as number)) / 2;
}

function printCatchup(store: string, c: CatchupResult): void {
  const wire = c.tcpBytesUp + c.tcpBytesDown;
  console.log(`   ${store}: ${c.records.total} records (${c.records.diary} diary, ${c.records.practice} practice logs, ${c.records.phq9} PHQ-9) = ${kib(c.recordJsonBytes)} as JSON; ${kib(c.yjsUpdateBytes)} as Yjs updates; ${kib(c.envelopeBytes)} sealed`);
  console.log(`      frames client->relay ${c.framesClientToRelay} (hello, auth, subscribe), relay->client ${c.framesRelayToClient} (welcome + ${c.updatesPages} updates page${c.updatesPages === 1 ? '' : 's'}); round trips after the WebSocket upgrade: ${c.roundTripsAfterUpgrade}`);
  console.log(`      wire: payload up ${c.payloadBytesUp} B, down ${kib(c.payloadBytesDown)}; TCP incl. upgrade and framing up ${kib(c.tcpBytesUp)}, down ${kib(c.tcpBytesDown)} = ${kib(wire)}, ${f(wire / c.recordJsonBytes, 2)}x the records' JSON`);
  console.log(`      time: welcome ${f(c.welcomeMs)} ms, last page ${f(c.lastPageMs)} ms, everything decrypted and applied ${f(c.appliedMs)} ms (openEnvelope + Y.applyUpdate: ${f(c.decryptApplyMs)} ms in all)`);
}

function printIdle(r: IdleMemoryResult): void {
  console.log(`   ${r.connections} connections (${r.circles} circles of ${r.connections / r.circles}), authenticated and subscribed in ${f(r.connectMs / 1000, 1)} s; the relay counted ${r.relayConnections} connections, ${r.relaySubscriptions} subscriptions`);
  console.log(`      relay RSS ${mib(r.before.rss)} -> ${mib(r.after.rss)}, heap used ${mib(r.before.heapUsed)} -> ${mib(r.after.heapUsed)}, external ${mib(r.before.external)} -> ${mib(r.after.external)} (after forced GCs)`);
  console.log(`      per connection: RSS ${kib(r.perConnection.rssBytes)}, heap ${kib(r.perConnection.heapUsedBytes)}, external ${kib(r.perConnection.externalBytes)}`);
  console.log(`      fd limit: soft ${r.fdSoft}, hard ${r.fdHard}; the relay ran with ${r.relayFdLimit}${r.relayFdLimit !== r.fdSoft ? ' (raised with ulimit -n)' : ' (no raise needed)'}`);
}

const results: Record<string, unknown> = { at: new Date().toISOString(), quick, environment };
if (phases.has('fanout')) {
  const fo = await fanout();
  results.fanout = fo;
  results.fanoutVerdicts = printFanout(fo.relays);
}
if (phases.has('catchup')) {
  console.log('\n2. Catch-up after 30 offline days: a fresh connection subscribes from the old cursor (default relay limits).');
  const catchup: Record<string, CatchupResult> = {};
  for (const kind of ['paceline-memory', 'paceline-sqlite'] as const) {
    const relay = await spawnRelay(kind);
    try {
      catchup[kind] = await runCatchup(relay);
      printCatchup(NAMES[kind], catchup[kind]);
    } finally {
      await relay.stop();
    }
  }
  results.catchup = catchup;
}
if (phases.has('idle')) {
  console.log(`\n3. Relay memory per idle connection (Paceline, SQLite store).`);
  const relay = await spawnRelay('paceline-sqlite', { sockets: IDLE, exposeGc: true });
  try {
    const idle = await runIdleMemory(relay, IDLE);
    results.idle = idle;
    printIdle(idle);
  } finally {
    await relay.stop();
  }
}
results.loadAverageAtEnd = loadavg().map((x) => Number(x.toFixed(2)));
// A quick run is not a result: it goes to the temporary directory.
const dir = quick ? tmpdir() : resolve(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const file = resolve(dir, quick ? 'paceline-relay-quick.json' : 'relay-latest.json');
writeFileSync(file, JSON.stringify(results, null, 2));
console.log(`\nWrote ${file}`);
