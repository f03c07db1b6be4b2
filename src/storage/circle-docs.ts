/**
 * The care circle's shared documents other than the journal, each a record document
 * (record-doc.ts) with the domain's parsers: the care plan, the circle (member profiles,
 * invitations, consent), messages and alerts. Opened together for one circle.
 */
import {
  ALERTS_SCHEMA_VERSION, CARE_PLAN_SCHEMA_VERSION, CIRCLE_SCHEMA_VERSION, MESSAGES_SCHEMA_VERSION, PLAN_KINDS,
  parseAcknowledgement, parseAlert, parseConsentRecord, parseInvitation, parseMemberProfile, parseMessage, parsePlanRecordOfKind, parseThread,
  type Acknowledgement, type Alert, type ConsentRecord, type Invitation, type MemberProfile, type Message, type PlanKind, type PlanRecord, type Thread,
} from '../domain';
import type { Result, ValidationError } from '../domain/records';
import type { PacelineDB } from './db';
import { openRecordDoc, type RecordDoc, type RecordDocOptions, type RecordDocSpec } from './record-doc';
import { alertsScope, circleScope, planScope, type RemoteAuthor } from './remote-scope';
import type * as Y from 'yjs';

type ScopeCheck = typeof planScope;

export type CircleRecord = MemberProfile | Invitation | ConsentRecord;
export type CircleKind = CircleRecord['kind'];
export type MessageRecord = Thread | Message;
export type MessageKind = MessageRecord['kind'];
export type AlertRecord = Alert | Acknowledgement;
export type AlertKind = AlertRecord['kind'];

export type PlanDoc = RecordDoc<PlanKind, PlanRecord>;
export type CircleDoc = RecordDoc<CircleKind, CircleRecord>;
export type MessagesDoc = RecordDoc<MessageKind, MessageRecord>;
export type AlertsDoc = RecordDoc<AlertKind, AlertRecord>;

/** Parsers per kind that check the stored id too (a record must live under its own id). */
function byKind<K extends string, R extends { id: string; kind: K }>(parsers: Record<K, (value: unknown) => Result<R, ValidationError[]>>) {
  return (kind: K, id: string, value: unknown): Result<R, ValidationError[]> => {
    const parsed = parsers[kind](value);
    if (parsed.ok && parsed.value.id !== id) return { ok: false, error: [{ field: 'id', code: 'unknownValue' }] };
    return parsed;
  };
}

export const PLAN_SPEC: RecordDocSpec<PlanKind, PlanRecord> = {
  kinds: PLAN_KINDS,
  schemaVersion: CARE_PLAN_SCHEMA_VERSION,
  parse: (kind, id, value) => {
    const parsed = parsePlanRecordOfKind(kind, value);
    if (parsed.ok && parsed.value.id !== id) return { ok: false, error: [{ field: 'id', code: 'unknownValue' }] };
    return parsed;
  },
};

export const CIRCLE_SPEC: RecordDocSpec<CircleKind, CircleRecord> = {
  kinds: ['member', 'invitation', 'consent'],
  schemaVersion: CIRCLE_SCHEMA_VERSION,
  parse: byKind<CircleKind, CircleRecord>({ member: parseMemberProfile, invitation: parseInvitation, consent: parseConsentRecord }),
};

export const MESSAGES_SPEC: RecordDocSpec<MessageKind, MessageRecord> = {
  kinds: ['thread', 'message'],
  schemaVersion: MESSAGES_SCHEMA_VERSION,
  parse: byKind<MessageKind, MessageRecord>({ thread: parseThread, message: parseMessage }),
};

export const ALERTS_SPEC: RecordDocSpec<AlertKind, AlertRecord> = {
  kinds: ['alert', 'alert-ack'],
  schemaVersion: ALERTS_SCHEMA_VERSION,
  parse: byKind<AlertKind, AlertRecord>({ alert: parseAlert, 'alert-ack': parseAcknowledgement }),
};

export interface CircleDocs {
  plan: PlanDoc;
  circle: CircleDoc;
  messages: MessagesDoc;
  /** Null for roles that do not read alerts (caregivers). */
  alerts: AlertsDoc | null;
  close(): Promise<void>;
}

/**
 * Opens a circle's shared documents for a device of `role`. Devices whose role writes only
 * part of a document (comments on the plan, entries in the circle) do not migrate it: the
 * relay and the others would refuse their migration update.
 */
export async function openCircleDocs(db: PacelineDB, circleId: string, role: 'patient' | 'caregiver' | 'clinician', options: RecordDocOptions = {}): Promise<CircleDocs> {
  const [plan, circle, messages, alerts] = await Promise.all([
    openRecordDoc(db, circleId, 'plan', PLAN_SPEC, { ...options, migrate: role === 'clinician' }),
    openRecordDoc(db, circleId, 'circle', CIRCLE_SPEC, { ...options, migrate: role === 'patient' }),
    openRecordDoc(db, circleId, 'messages', MESSAGES_SPEC, options),
    role === 'caregiver' ? Promise.resolve(null) : openRecordDoc(db, circleId, 'alerts', ALERTS_SPEC, { ...options, migrate: role === 'clinician' }),
  ]);
  // Receiving devices enforce the limited write rights of the document table on every update.
  const scoped = <D extends { doc: Y.Doc }>(store: D, spec: { parse: unknown }, scope: ScopeCheck): D =>
    Object.assign(store, { remoteScope: (update: Uint8Array, author: RemoteAuthor, earlier: readonly Uint8Array[]) => scope(store.doc, spec.parse as never, update, author, earlier) });
  scoped(plan, PLAN_SPEC, planScope);
  scoped(circle, CIRCLE_SPEC, circleScope);
  if (alerts) scoped(alerts, ALERTS_SPEC, alertsScope);
  return {
    plan, circle, messages, alerts,
    async close() {
      await Promise.all([plan.close(), circle.close(), messages.close(), alerts?.close()]);
    },
  };
}
