/**
 * Unfinished forms kept on the device (src/storage/form-drafts.ts) with the diary form's own
 * check (isDiaryDraft): what is kept comes back as it was, anything damaged is refused whole
 * and left in place, and on a sealed database the draft is not readable in IndexedDB.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIVITY_LEVELS, BODY_AREAS, PAIN_QUALITIES, TRIGGERS } from '../../../src/domain/records';
import { LIMITS } from '../../../src/domain/validate-fields';
import { installAtRest } from '../../../src/storage/at-rest/middleware';
import { PacelineDB } from '../../../src/storage/db';
import { FORM_DRAFT_VERSION, dropFormDraft, formDraftKey, keepFormDraft, keptFormDrafts, readFormDraft } from '../../../src/storage/form-drafts';
import { SLEEP_HOURS_CHARS, copyDraft, emptyDraft, hasDetails, isBlankDraft, type DiaryDraft } from '../../../src/ui/features/diary/diary-draft';
import { isDiaryDraft } from '../../../src/ui/features/diary/diary-draft-check';
import { rawContains, rawRows } from './raw-idb';
import { freshName } from './test-db';

const NAME = 'diary-today';
const KEY = formDraftKey(NAME);
const NOW = new Date('2026-12-06T10:42:00.000Z');

const scale = fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined });
const subset = <T extends string>(all: readonly T[]) => fc.uniqueArray(fc.constantFrom(...all));
/** Any draft the diary form can make. */
const anyDraft: fc.Arbitrary<DiaryDraft> = fc.record({
  painNow: scale,
  bodyAreas: subset(BODY_AREAS),
  painQualities: subset(PAIN_QUALITIES),
  triggers: subset(TRIGGERS),
  triggerNote: fc.string({ maxLength: 40 }),
  helped: fc.string({ maxLength: 40 }),
  sleepQuality: scale,
  sleepHours: fc.string({ maxLength: SLEEP_HOURS_CHARS }),
  mood: scale,
  fatigue: scale,
  activity: fc.option(fc.constantFrom(...ACTIVITY_LEVELS), { nil: undefined }),
  note: fc.string({ maxLength: 40 }),
  at: fc.constantFrom('', '2026-12-06T09:15', '2026-02-28T23:59'),
  atTouched: fc.boolean(),
});

const filled: DiaryDraft = { ...emptyDraft(), painNow: 7, bodyAreas: ['knee-left'], note: 'walked to the well', at: '2026-12-06T09:15', atTouched: true };

describe('form drafts', () => {
  it('keeps a draft, reads it back checked, replaces it and drops it', async () => {
    const db = new PacelineDB(freshName('drafts'));
    expect(await readFormDraft(db, NAME, isDiaryDraft)).toEqual({ kind: 'none' });
    expect(await keptFormDrafts(db)).toEqual([]);
    await keepFormDraft(db, NAME, filled, NOW);
    expect(await keptFormDrafts(db)).toEqual([NAME]);
    expect(await readFormDraft(db, NAME, isDiaryDraft)).toEqual({ kind: 'found', value: filled, savedAt: NOW });
    const later = new Date(NOW.getTime() + 60_000);
    await keepFormDraft(db, NAME, { ...filled, painNow: 4 }, later);
    expect(await readFormDraft(db, NAME, isDiaryDraft)).toEqual({ kind: 'found', value: { ...filled, painNow: 4 }, savedAt: later });
    expect(await db.settings.count()).toBe(1);
    await dropFormDraft(db, NAME);
    expect(await readFormDraft(db, NAME, isDiaryDraft)).toEqual({ kind: 'none' });
    expect(await keptFormDrafts(db)).toEqual([]);
    // Dropping what is not there is fine.
    await dropFormDraft(db, NAME);
  });

  it('any draft the form can make round-trips through storage unchanged', async () => {
    const db = new PacelineDB(freshName('drafts-prop'));
    await fc.assert(
      fc.asyncProperty(anyDraft, async (draft) => {
        expect(isDiaryDraft(draft)).toBe(true);
        await keepFormDraft(db, NAME, copyDraft(draft), NOW);
        const back = await readFormDraft(db, NAME, isDiaryDraft);
        expect(back).toEqual({ kind: 'found', value: draft, savedAt: NOW });
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a damaged or foreign stored draft whole and leaves it as it is', async () => {
    const db = new PacelineDB(freshName('drafts-bad'));
    const stored = (value: unknown, extra: Record<string, unknown> = {}) => ({ v: FORM_DRAFT_VERSION, savedAt: NOW.toISOString(), value, ...extra });
    const bad: unknown[] = [
      'not an object',
      null,
      { v: 2, savedAt: NOW.toISOString(), value: filled },
      stored(filled, { savedAt: 'yesterday' }),
      stored({ ...filled, painNow: 11 }),
      stored({ ...filled, painNow: 6.5 }),
      stored({ ...filled, mood: -1 }),
      stored({ ...filled, bodyAreas: ['tail'] }),
      stored({ ...filled, bodyAreas: ['knee-left', 'knee-left'] }),
      stored({ ...filled, triggers: 'weather' }),
      stored({ ...filled, activity: 'sprinting' }),
      stored({ ...filled, note: 'x'.repeat(LIMITS.longText + 1) }),
      stored({ ...filled, sleepHours: 7 }),
      stored({ ...filled, at: '2026-13-40T10:00' }),
      stored({ ...filled, atTouched: 'yes' }),
      stored({ ...filled, diagnosis: 'something the form never had' }),
      stored(Object.fromEntries(Object.entries(filled).filter(([k]) => k !== 'note'))),
    ];
    for (const value of bad) {
      await db.settings.put({ key: KEY, value });
      expect(await readFormDraft(db, NAME, isDiaryDraft), JSON.stringify(value)?.slice(0, 120)).toEqual({ kind: 'unreadable' });
      expect((await db.settings.get(KEY))?.value).toEqual(value);
    }
  });

  it('knows a blank form from one with something in it', () => {
    expect(isBlankDraft(emptyDraft())).toBe(true);
    // The time shown by itself is "now", not something the person chose.
    expect(isBlankDraft({ ...emptyDraft(), at: '2026-12-06T09:15' })).toBe(true);
    expect(isBlankDraft({ ...emptyDraft(), note: '   ' })).toBe(true);
    expect(isBlankDraft({ ...emptyDraft(), painNow: 0 })).toBe(false);
    expect(isBlankDraft({ ...emptyDraft(), at: '2026-12-06T09:15', atTouched: true })).toBe(false);
    expect(isBlankDraft({ ...emptyDraft(), triggers: ['weather'] })).toBe(false);
    expect(hasDetails({ ...emptyDraft(), painNow: 5 })).toBe(false);
    expect(hasDetails({ ...emptyDraft(), painNow: 5, sleepHours: '6' })).toBe(true);
  });

  it('is sealed at rest on a loaned tablet: IndexedDB never holds the typed text', async () => {
    const name = freshName('drafts-sealed');
    const key = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
    const db = new PacelineDB(name);
    installAtRest(db, { key: () => key });
    await keepFormDraft(db, NAME, filled, NOW);
    expect(await readFormDraft(db, NAME, isDiaryDraft)).toMatchObject({ kind: 'found', value: filled });
    const raw = await rawRows(name, 'settings');
    expect(raw).toHaveLength(1);
    expect(rawContains(raw, 'walked to the well')).toBe(false);
    expect(rawContains(raw, 'knee-left')).toBe(false);
  });
});
