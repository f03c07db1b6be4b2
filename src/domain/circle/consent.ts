/**
 * Consent records: every agreement and withdrawal is kept (append-only), and the current
 * decision is the latest one. The texts themselves are data in consent-texts.ts.
 */
import { newId } from '../ids';
import type { IsoTime, Result, Ulid } from '../records';
import { CIRCLE_SCHEMA_VERSION } from './circle-doc';
import { CONSENT_TOPICS, currentConsentVersion, type ConsentTexts, type ConsentTopic } from './consent-texts';
import type { MemberRef, MemberRole } from './member-ref';
import { checkKind, checkMemberRef, checkSchemaVersion, compareNumbers, compareText, msOf, parseShape } from './shape-checks';

export const CONSENT_DECISIONS = ['agreed', 'withdrawn'] as const;
export type ConsentDecision = (typeof CONSENT_DECISIONS)[number];

/** Text versions are small integers; the bound only keeps nonsense out. */
const TEXT_VERSION_RANGE = { min: 1, max: 9999 } as const;

export interface ConsentRecord {
  kind: 'consent';
  id: Ulid;
  topic: ConsentTopic;
  /** The version of the text the person was shown. */
  textVersion: number;
  decision: ConsentDecision;
  by: MemberRef;
  at: IsoTime;
  schemaVersion: number;
}

/** Validates a stored consent record; never throws. A text version newer than this app knows is accepted. */
export function parseConsentRecord(value: unknown): Result<ConsentRecord> {
  return parseShape<ConsentRecord>(value, (c, obj) => {
    checkKind(c, 'consent');
    c.ulid('id', true);
    c.oneOf('topic', CONSENT_TOPICS, true);
    c.number('textVersion', TEXT_VERSION_RANGE, true);
    c.oneOf('decision', CONSENT_DECISIONS, true);
    checkMemberRef(c, obj, 'by', true);
    c.time('at', true);
    checkSchemaVersion(c, obj, CIRCLE_SCHEMA_VERSION);
  });
}

/** A new consent record for what a person just decided; the text version defaults to the current one. */
export function createConsentRecord(
  fields: { topic: ConsentTopic; decision: ConsentDecision; textVersion?: number }, by: MemberRef, now: Date,
): Result<ConsentRecord> {
  return parseConsentRecord({
    kind: 'consent', id: newId(now.getTime()), topic: fields.topic,
    textVersion: fields.textVersion ?? currentConsentVersion(fields.topic),
    decision: fields.decision, by, at: now.toISOString(), schemaVersion: CIRCLE_SCHEMA_VERSION,
  });
}

export type ConsentState =
  | { topic: ConsentTopic; decision: 'none'; currentVersion: number }
  | {
    topic: ConsentTopic;
    decision: ConsentDecision;
    by: MemberRef;
    at: IsoTime;
    textVersion: number;
    recordId: Ulid;
    currentVersion: number;
    /** Agreed, but to a text older than the current one: ask again. */
    needsReconsent: boolean;
  };

/**
 * Whether a record counts, given the members' roles: an agreement only from a patient
 * device (a person consents for themselves), a withdrawal from any member (erring towards
 * not sharing, e.g. a clinician recording what the patient said in clinic). Records by
 * devices that were never members are ignored.
 */
function counts(record: ConsentRecord, roles: ReadonlyMap<MemberRef, MemberRole>): boolean {
  const role = roles.get(record.by);
  if (role === undefined) return false;
  return record.decision === 'withdrawn' || role === 'patient';
}

export interface ConsentOptions {
  /** Members' roles: with them, only records that count (see above) are considered. */
  roles?: ReadonlyMap<MemberRef, MemberRole>;
  /** The texts in force (default CONSENT_TEXTS). */
  texts?: ConsentTexts;
}

/**
 * The current decision on a topic: the latest record by `at`, ties broken by the larger id,
 * so every device agrees.
 */
export function consentState(records: readonly ConsentRecord[], topic: ConsentTopic, options: ConsentOptions = {}): ConsentState {
  const { roles, texts } = options;
  const currentVersion = currentConsentVersion(topic, texts);
  let latest: ConsentRecord | null = null;
  let latestMs = Number.NEGATIVE_INFINITY;
  for (const r of records) {
    if (r.topic !== topic || (roles !== undefined && !counts(r, roles))) continue;
    const ms = msOf(r.at);
    if (latest === null || (compareNumbers(ms, latestMs) || compareText(r.id, latest.id)) > 0) {
      latest = r;
      latestMs = ms;
    }
  }
  if (latest === null) return { topic, decision: 'none', currentVersion };
  return {
    topic,
    decision: latest.decision,
    by: latest.by,
    at: latest.at,
    textVersion: latest.textVersion,
    recordId: latest.id,
    currentVersion,
    needsReconsent: latest.decision === 'agreed' && latest.textVersion < currentVersion,
  };
}

/**
 * True when caregivers may read the journal: the patient's latest counted decision is an
 * agreement, to any text version (an older version still holds until the patient is asked
 * again), and no later withdrawal.
 */
export function journalSharedWithCaregivers(records: readonly ConsentRecord[], roles: ReadonlyMap<MemberRef, MemberRole>): boolean {
  return consentState(records, 'journal-sharing-caregivers', { roles }).decision === 'agreed';
}
