/**
 * Where Today's unfinished entry is kept (storage/form-drafts.ts), loaded after the first
 * screen: reading it back needs the draft check, which the landing bundle does without.
 */
import type { PacelineDB } from '../../../storage/db';
import { dropFormDraft, keepFormDraft, readFormDraft, type ReadFormDraft } from '../../../storage/form-drafts';
import { isBlankDraft, type DiaryDraft } from './diary-draft';
import { isDiaryDraft } from './diary-draft-check';

export const readTodayDraft = (db: PacelineDB): Promise<ReadFormDraft<DiaryDraft>> => readFormDraft(db, 'diary-today', isDiaryDraft);

/** Keeps a plain copy of the form; a blank form drops the draft instead. */
export const keepTodayDraft = (db: PacelineDB, copy: DiaryDraft, now: Date): Promise<void> =>
  isBlankDraft(copy) ? dropFormDraft(db, 'diary-today') : keepFormDraft(db, 'diary-today', copy, now);

export const dropTodayDraft = (db: PacelineDB): Promise<void> => dropFormDraft(db, 'diary-today');
