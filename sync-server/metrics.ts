// Prometheus text exposition (format 0.0.4) for /metrics, without a client library.
// Labels hold only fixed vocabularies (error codes, close reasons, results): never a circle,
// document or device id, and nothing a person wrote.

type Labels = Readonly<Record<string, string>>;

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labelText = (labels: Labels) => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};

interface Metric {
  /** The exposition lines of this metric. */
  render(): string[];
}

const NO_LABELS: Labels = Object.freeze({});

// Counted on every frame: label sets that are constants are rendered to text once.
const keys = new WeakMap<Labels, string>();
/** The series key of a label set: its exposition text ('' without labels). */
function seriesKey(labels: Labels): string {
  let key = keys.get(labels);
  if (key === undefined) keys.set(labels, (key = labelText(labels)));
  return key;
}

/** A monotonically increasing count, optionally split by labels. */
export class Counter implements Metric {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  /** Adds n (default 1) to the series with these labels (none: the unlabelled series). */
  inc(labels: Labels = NO_LABELS, n = 1): void {
    const key = seriesKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + n);
  }

  /** The current value of one series (for tests). */
  get(labels: Labels = {}): number {
    return this.values.get(labelText(labels)) ?? 0;
  }

  /** The exposition lines of this metric. */
  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.values.size === 0) lines.push(`${this.name} 0`);
    for (const [key, v] of this.values) lines.push(`${this.name}${key} ${v}`);
    return lines;
  }
}

/** A value read when scraped (connections, subscriptions, topics). */
export class Gauge implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => number,
  ) {}

  /** The exposition lines of this metric. */
  render(): string[] {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`, `${this.name} ${this.read()}`];
  }
}

/** A counter kept elsewhere and read when scraped, one series per label value. */
export class ReadCounter implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly label: string,
    private readonly read: () => Readonly<Record<string, number>>,
  ) {}

  /** The exposition lines of this metric. */
  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [value, n] of Object.entries(this.read())) lines.push(`${this.name}${labelText({ [this.label]: value })} ${n}`);
    return lines;
  }
}

/** A histogram with fixed upper bounds (seconds or counts), optionally split by labels. */
export class Histogram implements Metric {
  /** Per series, observations per bucket (the last one above every bound); cumulated when rendered. */
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  /** Records one observation (labels: a fixed vocabulary, passed as a constant object). */
  observe(value: number, labels: Labels = NO_LABELS): void {
    const key = seriesKey(labels);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { labels, counts: new Array<number>(this.bounds.length + 1).fill(0), sum: 0 }));
    s.sum += value;
    let i = 0;
    while (i < this.bounds.length && value > (this.bounds[i] as number)) i++;
    s.counts[i] = (s.counts[i] as number) + 1;
  }

  /** The exposition lines of this metric. */
  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    const series = this.series.size > 0 ? this.series : new Map([['', { labels: NO_LABELS, counts: new Array<number>(this.bounds.length + 1).fill(0), sum: 0 }]]);
    for (const [key, s] of series) {
      const withLe = (le: string) => labelText({ ...s.labels, le });
      let cumulative = 0;
      this.bounds.forEach((b, i) => lines.push(`${this.name}_bucket${withLe(String(b))} ${(cumulative += s.counts[i] as number)}`));
      const count = cumulative + (s.counts[this.bounds.length] as number);
      lines.push(`${this.name}_bucket${withLe('+Inf')} ${count}`, `${this.name}_sum${key} ${s.sum}`, `${this.name}_count${key} ${count}`);
    }
    return lines;
  }
}

/** A set of metrics rendered together. */
export class Registry {
  private readonly metrics: Metric[] = [];

  /** Registers a metric and returns it. */
  add<M extends Metric>(metric: M): M {
    this.metrics.push(metric);
    return metric;
  }

  /** The exposition text. */
  render(): string {
    return `${this.metrics.flatMap((m) => m.render()).join('\n')}\n`;
  }
}

/** Bucket bounds in seconds for the relay's latencies: fine below 10 ms, where a relay's p99 should be. */
const LATENCY_BOUNDS = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 1];

/** Every metric the relay and the signaling server record. */
export interface ServerMetrics {
  registry: Registry;
  connectionsOpened: Counter;
  closes: Counter;
  pushes: Counter;
  pushesRejected: Counter;
  errorsSent: Counter;
  framesRejected: Counter;
  bytesIn: Counter;
  bytesOut: Counter;
  commitSeconds: Histogram;
  commitWrites: Histogram;
  pushStages: Histogram;
  signalingMessages: Counter;
}

/** Creates the registry; gauges read live values through the callbacks. */
export function createMetrics(gauges: { connections(): number; subscriptions(): number; signalingConnections(): number; signalingTopics(): number }): ServerMetrics {
  const registry = new Registry();
  const m: ServerMetrics = {
    registry,
    connectionsOpened: registry.add(new Counter('paceline_relay_connections_opened_total', 'Relay WebSocket connections accepted.')),
    closes: registry.add(new Counter('paceline_relay_closes_total', 'Relay connections closed by the relay, by named reason.')),
    pushes: registry.add(new Counter('paceline_relay_pushes_total', 'Pushes (updates) acknowledged, by result: stored or duplicate.')),
    pushesRejected: registry.add(new Counter('paceline_relay_pushes_rejected_total', 'Pushes, snapshots and ephemeral messages refused, by error code.')),
    errorsSent: registry.add(new Counter('paceline_relay_errors_total', 'Error frames sent, by error code.')),
    framesRejected: registry.add(new Counter('paceline_relay_bad_frames_total', 'Frames that did not decode, by codec error.')),
    bytesIn: registry.add(new Counter('paceline_relay_received_bytes_total', 'Bytes of relay frames received.')),
    bytesOut: registry.add(new Counter('paceline_relay_sent_bytes_total', 'Bytes of relay frames sent.')),
    commitSeconds: registry.add(
      new Histogram('paceline_relay_store_commit_seconds', 'Duration of one durable store transaction (group commit).', LATENCY_BOUNDS),
    ),
    commitWrites: registry.add(new Histogram('paceline_relay_store_commit_writes', 'Writes per store transaction.', [1, 2, 5, 10, 20, 50, 100, 500])),
    pushStages: registry.add(
      new Histogram(
        'paceline_relay_push_seconds',
        'Time from receiving a push frame to the end of each stage: its signature verdict (check), the ledger decision (decided), and its acknowledgement after the durable commit (acked). Protocol-3 subscribers are sent it when it is sealed, at the end of the turn of the decision.',
        LATENCY_BOUNDS,
      ),
    ),
    signalingMessages: registry.add(new Counter('paceline_signaling_messages_total', 'Signaling messages handled, by type.')),
  };
  registry.add(new Gauge('paceline_relay_connections', 'Open relay connections.', gauges.connections));
  registry.add(new Gauge('paceline_relay_subscriptions', 'Document subscriptions across relay connections.', gauges.subscriptions));
  registry.add(new Gauge('paceline_signaling_connections', 'Open signaling connections.', gauges.signalingConnections));
  registry.add(new Gauge('paceline_signaling_topics', 'Signaling topics with at least one subscriber.', gauges.signalingTopics));
  return m;
}
