/**
 * The alerts document: red flags raised for the clinicians, and their acknowledgements.
 * Any device raises; an alert's id is the flag's deterministic key, so two devices that
 * raise the same flag offline write the same Y.Map key and converge to one alert.
 */
import { newId } from '../ids';
import type { IsoTime, Result, Ulid } from '../records';
import { RED_FLAG_META, RED_FLAG_RULES, flagKey, type RaisedFlag, type RedFlagLevel, type RedFlagRuleId } from '../red-flags';
import { FieldChecker, LIMITS, isPlainObject } from '../validate-fields';
import type { MemberRef } from './member-ref';
import { checkKind, checkMemberRef, checkSchemaVersion, compareNumbers, compareText, msOf, parseShape } from './shape-checks';

export const ALERTS_SCHEMA_VERSION = 1 as const;

/** Bounds on what a flag carries, far above what any rule writes. */
export const ALERT_LIMITS = { sourceIds: 16, sourceIdLength: 64, values: 16, valueKeyLength: 40 } as const;
/** Longest alert id: a rule id, a colon and the joined source ids. */
const ALERT_ID_MAX = 40 + ALERT_LIMITS.sourceIds * (ALERT_LIMITS.sourceIdLength + 1);

const LEVELS: readonly RedFlagLevel[] = ['urgent', 'high', 'low'];

export interface Alert {
  kind: 'alert';
  /** flagKey(ruleId, sourceIds): the same on every device that raises this flag. */
  id: string;
  ruleId: RedFlagRuleId;
  level: RedFlagLevel;
  /** Time of the data that raised it, not when a device noticed. */
  raisedAt: IsoTime;
  raisedBy: MemberRef;
  /** When the raising device noticed it (its clock): shows how late an offline device's flag arrived. */
  detectedAt: IsoTime;
  values: Record<string, number>;
  sourceIds: string[];
  schemaVersion: number;
}

export interface Acknowledgement {
  kind: 'alert-ack';
  id: Ulid;
  alertId: string;
  by: MemberRef;
  at: IsoTime;
  /** What the clinician did or decided; may be empty. */
  note: string;
  schemaVersion: number;
}

function checkSourceIds(c: FieldChecker, value: unknown): void {
  if (value === undefined) return c.add([{ field: 'sourceIds', code: 'required' }]);
  if (!Array.isArray(value)) return c.add([{ field: 'sourceIds', code: 'wrongType' }]);
  if (value.length > ALERT_LIMITS.sourceIds) return c.add([{ field: 'sourceIds', code: 'tooLong', params: { max: ALERT_LIMITS.sourceIds } }]);
  value.forEach((v: unknown, i) => {
    if (typeof v !== 'string' || v === '') c.add([{ field: `sourceIds.${i}`, code: 'wrongType' }]);
    else if (v.length > ALERT_LIMITS.sourceIdLength) c.add([{ field: `sourceIds.${i}`, code: 'tooLong', params: { max: ALERT_LIMITS.sourceIdLength } }]);
  });
}

function checkValues(c: FieldChecker, value: unknown): void {
  if (value === undefined) return c.add([{ field: 'values', code: 'required' }]);
  if (!isPlainObject(value)) return c.add([{ field: 'values', code: 'wrongType' }]);
  const entries = Object.entries(value);
  if (entries.length > ALERT_LIMITS.values) return c.add([{ field: 'values', code: 'tooLong', params: { max: ALERT_LIMITS.values } }]);
  for (const [key, v] of entries) {
    if (key.length > ALERT_LIMITS.valueKeyLength) c.add([{ field: 'values', code: 'tooLong', params: { max: ALERT_LIMITS.valueKeyLength } }]);
    else if (typeof v !== 'number' || !Number.isFinite(v)) c.add([{ field: `values.${key}`, code: 'wrongType' }]);
  }
}

/**
 * Validates a stored alert; never throws. The id must be the flag key of its rule and
 * sources, so a forged id cannot shadow another alert. A rule unknown to this app is
 * refused: adding a rule must come with a new ALERTS_SCHEMA_VERSION, so that an older
 * app says "please update" rather than hiding the alert.
 */
export function parseAlert(value: unknown): Result<Alert> {
  return parseShape<Alert>(value, (c, obj) => {
    checkKind(c, 'alert');
    c.oneOf('ruleId', RED_FLAG_RULES, true);
    c.oneOf('level', LEVELS, true);
    c.time('raisedAt', true);
    checkMemberRef(c, obj, 'raisedBy', true);
    c.time('detectedAt', true);
    checkValues(c, obj['values']);
    const sourceErrors = c.errors.length;
    checkSourceIds(c, obj['sourceIds']);
    const id = obj['id'];
    if (id === undefined) c.add([{ field: 'id', code: 'required' }]);
    else if (typeof id !== 'string') c.add([{ field: 'id', code: 'wrongType' }]);
    else if (c.errors.length === sourceErrors && typeof obj['ruleId'] === 'string') {
      const expected = flagKey({ ruleId: obj['ruleId'] as RedFlagRuleId, sourceIds: obj['sourceIds'] as string[] });
      if (id !== expected) c.add([{ field: 'id', code: 'unknownValue', params: { expected } }]);
    }
    checkSchemaVersion(c, obj, ALERTS_SCHEMA_VERSION);
  });
}

/** Validates a stored acknowledgement; never throws. */
export function parseAcknowledgement(value: unknown): Result<Acknowledgement> {
  return parseShape<Acknowledgement>(value, (c, obj) => {
    checkKind(c, 'alert-ack');
    c.ulid('id', true);
    c.string('alertId', ALERT_ID_MAX, true);
    checkMemberRef(c, obj, 'by', true);
    c.time('at', true);
    // Present but possibly empty: acknowledging must not wait for a note.
    if (obj['note'] === undefined) c.add([{ field: 'note', code: 'required' }]);
    else c.string('note', LIMITS.longText);
    checkSchemaVersion(c, obj, ALERTS_SCHEMA_VERSION);
  });
}

/** The alert id of a flag (its deterministic key). */
export function alertIdOf(flag: Pick<RaisedFlag, 'ruleId' | 'sourceIds'>): string {
  return flagKey(flag);
}

/**
 * Alerts to write for newly raised flags: only flags meant for clinicians, and none whose
 * alert already exists or appears twice in `flags`. Existing alerts are never rewritten.
 */
export function alertsFromFlags(flags: readonly RaisedFlag[], existing: readonly Alert[], raisedBy: MemberRef, now: Date): Alert[] {
  const seen = new Set(existing.map((a) => a.id));
  const out: Alert[] = [];
  for (const flag of flags) {
    if (!flag.audience.includes('clinician')) continue;
    const id = alertIdOf(flag);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({
      kind: 'alert', id, ruleId: flag.ruleId, level: flag.level, raisedAt: flag.raisedAt, raisedBy,
      detectedAt: now.toISOString(), values: { ...flag.values }, sourceIds: [...flag.sourceIds],
      schemaVersion: ALERTS_SCHEMA_VERSION,
    });
  }
  return out;
}

const LEVEL_RANK: Record<RedFlagLevel, number> = { urgent: 0, high: 1, low: 2 };

/**
 * The level to act on: the more severe of the stored one and the rule's current one, so
 * neither a tampered record nor an older app's weaker level can demote an alert.
 */
export function alertLevel(alert: Pick<Alert, 'ruleId' | 'level'>): RedFlagLevel {
  const ruleLevel = RED_FLAG_META[alert.ruleId]?.level ?? alert.level;
  return LEVEL_RANK[ruleLevel] < LEVEL_RANK[alert.level] ? ruleLevel : alert.level;
}

/** A new acknowledgement by a clinician; the note is trimmed and may be empty. */
export function createAcknowledgement(alertId: string, note: string, by: MemberRef, now: Date): Result<Acknowledgement> {
  return parseAcknowledgement({
    kind: 'alert-ack', id: newId(now.getTime()), alertId, by, at: now.toISOString(),
    note: note.trim(), schemaVersion: ALERTS_SCHEMA_VERSION,
  });
}

export type AlertStatus =
  | { state: 'open' }
  | {
    state: 'acknowledged';
    /** The first acknowledgement: who took it on, when, and their note. */
    by: MemberRef;
    at: IsoTime;
    note: string;
    /** Every acknowledgement that counts, oldest first (later notes add to the record). */
    acks: Acknowledgement[];
  };

/**
 * Whether an alert is acknowledged. Only acknowledgements by clinicians count: the alerts
 * document is writable by every device, and a patient's or caregiver's device must not be
 * able to clear an alert from the clinicians' panel.
 */
export function alertStatus(alert: Alert, acks: readonly Acknowledgement[], clinicians: ReadonlySet<MemberRef>): AlertStatus {
  const counted = acks
    .filter((a) => a.alertId === alert.id && clinicians.has(a.by))
    .sort((a, b) => compareNumbers(msOf(a.at), msOf(b.at)) || compareText(a.id, b.id));
  const first = counted[0];
  if (first === undefined) return { state: 'open' };
  return { state: 'acknowledged', by: first.by, at: first.at, note: first.note, acks: counted };
}

/** Alerts no clinician has acknowledged, in one pass over the acknowledgements (for the panel). */
export function openAlerts(alerts: readonly Alert[], acks: readonly Acknowledgement[], clinicians: ReadonlySet<MemberRef>): Alert[] {
  const acked = new Set<string>();
  for (const a of acks) if (clinicians.has(a.by)) acked.add(a.alertId);
  return alerts.filter((a) => !acked.has(a.id));
}
