import { monitorEventLoopDelay } from 'node:perf_hooks';
// The fan-out load driver, the same for every relay: N clients in rooms of R, each sending
// at a fixed rate per step; latency is send -> receipt at each OTHER member of the room
// (an echo to the sender is not a delivery). One scheduler tick (about 1 ms) sends every
// message that is due, spread evenly over the clients; receiving runs between ticks.
//
// A step: read the relay's CPU, send for `seconds`, read it again, wait until every expected
// delivery arrived (or `drainMs`, so the next step starts without a backlog), read it a
// third time. The CPU figures are for the sending window (steady state) and, per message,
// for sending and draining (a relay that falls behind pays for its backlog there).

import { readFileSync } from 'node:fs';
import type { RelayProcess } from './relay-process';
import { cpuPercent } from './relay-process';

/** What a set of load clients (one relay's protocol) offers the driver. */
export interface LoadClients {
  /** Sends client's n-th message (n from 0); false when it has none left (pre-sealed supply). */
  send(client: number, n: number): boolean;
  /** Refusals from the relay, by code (Paceline only). */
  errors: Map<string, number>;
  close(): Promise<void>;
}

/** Called by the load clients for each message received: who sent it, its n, and (Yjs) the send time it carries. */
export type OnDelivery = (receiver: number, sender: number, n: number, sentAt?: number) => void;

/** How late the process's event loop ran its timers (1 ms resolution): main-thread stalls, in ms. */
export interface LoopDelay {
  p99Ms: number;
  maxMs: number;
}

/** Event-loop delay of this process since the last reset. */
export function loopDelayMonitor(): { read(): LoopDelay; reset(): void } {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  return {
    read: () => ({ p99Ms: h.count ? h.percentile(99) / 1e6 : 0, maxMs: h.count ? h.max / 1e6 : 0 }),
    reset: () => h.reset(),
  };
}

export interface Step {
  rate: number;
  seconds: number;
}

export interface StepResult {
  ratePerClient: number;
  seconds: number;
  sent: number;
  expected: number;
  delivered: number;
  /** Deliveries (to other members) of the step's messages per second, from the first send to the last delivery. */
  deliveredPerSecond: number;
  /** The load generator could not keep up: 3% or more below schedule, or its CPU at 90% of a core or more. */
  loadBound: boolean;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Relay process CPU while sending, % of one core. */
  relayCpuPercent: number;
  /** The same over sending and draining. */
  relayCpuPercentWithDrain: number;
  /** Relay process CPU time (sending and draining) per message sent, in microseconds. */
  relayCpuUsPerMessage: number;
  /** This (load generator) process's CPU while sending, % of one core. */
  loadCpuPercent: number;
  /** Everything else on the machine while sending (other processes, the kernel's share not billed to these two), % of one core. */
  otherCpuPercent: number;
  /** Event-loop delay while sending: the relay process's and this load generator's. */
  relayLoopDelay?: LoopDelay;
  loadLoopDelay: LoopDelay;
  /** Time after the last send until the last delivery arrived (or the drain limit). */
  drainMs: number;
  /** Differences of the relay's counters over the step (FanoutRun.probe). */
  relayStats?: Record<string, number>;
}

/** Delivery bookkeeping shared by the driver and the clients' onDelivery. */
export class Deliveries {
  readonly sentAt: Float64Array[];
  readonly stepOf: Int16Array[];
  step = -1;
  delivered = 0;
  /** When the last delivery of the current step arrived. */
  lastAt = 0;
  /** Deliveries that arrived after their step had ended (drain limit passed). */
  late = 0;
  private samples = new Float64Array(1 << 16);

  constructor(
    clients: number,
    maxPerClient: number,
    private readonly roomSize: number,
  ) {
    this.sentAt = Array.from({ length: clients }, () => new Float64Array(maxPerClient));
    this.stepOf = Array.from({ length: clients }, () => new Int16Array(maxPerClient).fill(-1));
  }

  readonly onDelivery: OnDelivery = (receiver, sender, n, sentAt) => {
    if (receiver === sender) return;
    const now = performance.now();
    if (this.stepOf[sender]?.[n] !== this.step) {
      this.late++;
      return;
    }
    const at = sentAt ?? (this.sentAt[sender] as Float64Array)[n] as number;
    if (this.delivered === this.samples.length) {
      const bigger = new Float64Array(this.samples.length * 2);
      bigger.set(this.samples);
      this.samples = bigger;
    }
    this.samples[this.delivered++] = now - at;
    this.lastAt = now;
  };

  begin(step: number): void {
    this.step = step;
    this.delivered = 0;
  }

  percentiles(): { p50: number; p99: number; max: number } {
    const s = this.samples.subarray(0, this.delivered).sort();
    const at = (q: number) => (s.length ? (s[Math.min(s.length - 1, Math.floor(q * s.length))] as number) : Number.NaN);
    return { p50: at(0.5), p99: at(0.99), max: s.length ? (s[s.length - 1] as number) : Number.NaN };
  }

  expectedFor(sent: number): number {
    return sent * (this.roomSize - 1);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Messages one client sends in a run of these steps, with slack for the scheduler. */
export function messagesPerClient(steps: Step[]): number {
  return steps.reduce((sum, s) => sum + Math.ceil(s.rate * s.seconds) + 2, 0);
}

export interface FanoutRun {
  clients: number;
  deliveries: Deliveries;
  load: LoadClients;
  relay: RelayProcess;
  /** How long to wait after a step for its deliveries, so the next step starts without a backlog. */
  drainMs: number;
  /** Relay counters (e.g. from /metrics), read before and after each step; the result holds the differences. */
  probe?: () => Promise<Record<string, number>>;
}

const cpuUs = (c: NodeJS.CpuUsage) => c.user + c.system;

/** Busy CPU time of the whole machine in ms (Linux /proc/stat, all cores), or null elsewhere. */
function machineBusyMs(): number | null {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    // USER_HZ is 100 on Linux: one tick is 10 ms.
    return (fields.slice(0, 8).reduce((a, b) => a + b, 0) - idle) * 10;
  } catch {
    return null;
  }
}

/** Runs the steps in order (the first may be a warm-up the caller drops) and returns one result each. */
export async function runSteps(run: FanoutRun, steps: Step[]): Promise<StepResult[]> {
  const { clients, deliveries, load, relay } = run;
  const sentCount = new Int32Array(clients);
  const results: StepResult[] = [];
  const loadLoop = loopDelayMonitor();
  for (const [index, step] of steps.entries()) {
    deliveries.begin(index);
    const probed = await run.probe?.();
    const relayBefore = await relay.usage(false, true);
    loadLoop.reset();
    const loadBefore = process.cpuUsage();
    const machineBefore = machineBusyMs();
    const interval = 1000 / step.rate;
    const start = performance.now();
    const end = start + step.seconds * 1000;
    const next = Float64Array.from({ length: clients }, (_, i) => start + (i / clients) * interval);
    let sent = 0;
    for (;;) {
      const now = performance.now();
      if (now >= end) break;
      for (let i = 0; i < clients; i++) {
        while ((next[i] as number) <= now) {
          const n = sentCount[i] as number;
          (deliveries.stepOf[i] as Int16Array)[n] = index;
          (deliveries.sentAt[i] as Float64Array)[n] = performance.now();
          if (!load.send(i, n)) {
            (deliveries.stepOf[i] as Int16Array)[n] = -1;
            next[i] = Number.POSITIVE_INFINITY;
            break;
          }
          sentCount[i] = n + 1;
          sent++;
          next[i] = (next[i] as number) + interval;
        }
      }
      await sleep(1);
    }
    const sendEnd = performance.now();
    const loadWindow = process.cpuUsage(loadBefore);
    const loadLoopDelay = loadLoop.read();
    const machineAtEnd = machineBusyMs();
    const relayAtEnd = await relay.usage();
    const expected = deliveries.expectedFor(sent);
    while (deliveries.delivered < expected && performance.now() - sendEnd < run.drainMs) await sleep(5);
    const drainMs = performance.now() - sendEnd;
    const relayAfter = await relay.usage();
    const { p50, p99, max } = deliveries.percentiles();
    const loadCpuPercent = (cpuUs(loadWindow) / 1000 / (sendEnd - start)) * 100;
    let relayStats: Record<string, number> | undefined;
    if (probed && run.probe) {
      const now = await run.probe();
      relayStats = Object.fromEntries(Object.entries(now).map(([k, v]) => [k, v - (probed[k] ?? 0)]).filter(([, v]) => v !== 0));
    }
    results.push({
      ratePerClient: step.rate,
      seconds: step.seconds,
      sent,
      expected,
      delivered: deliveries.delivered,
      deliveredPerSecond: deliveries.delivered / ((Math.max(sendEnd, deliveries.lastAt) - start) / 1000),
      loadBound: sent < 0.97 * clients * step.rate * step.seconds || loadCpuPercent >= 90,
      p50Ms: p50,
      p99Ms: p99,
      maxMs: max,
      relayCpuPercent: cpuPercent(relayBefore, relayAtEnd),
      relayCpuPercentWithDrain: cpuPercent(relayBefore, relayAfter),
      relayCpuUsPerMessage: (cpuUs(relayAfter.cpu) - cpuUs(relayBefore.cpu)) / Math.max(1, sent),
      loadCpuPercent,
      otherCpuPercent:
        machineBefore === null || machineAtEnd === null
          ? Number.NaN
          : Math.max(0, ((machineAtEnd - machineBefore) / (sendEnd - start)) * 100 - loadCpuPercent - cpuPercent(relayBefore, relayAtEnd)),
      drainMs,
      ...(relayAtEnd.loopDelay && { relayLoopDelay: relayAtEnd.loopDelay }),
      loadLoopDelay,
      ...(relayStats && { relayStats }),
    });
  }
  deliveries.begin(-1);
  return results;
}
