// Red flags become alerts on the patient's device: once per flag (its key is the alert id),
// only for recent data, and not for flags meant for the patient alone.
import { describe, expect, it } from 'vitest';
import { PacelineDB } from '../../../src/storage/db';
import { openCircleDocs } from '../../../src/storage/circle-docs';
import { openJournalStore } from '../../../src/storage/journal-store';
import { raiseAlerts } from '../../../src/ui/features/alerts/alert-raiser';
import { assessment, CIRCLE, freshName, unwrap } from '../storage/test-db';

const ME = 'A'.repeat(43);

describe('raising alerts from the journal', () => {
  it('raises an urgent alert for PHQ-9 item 9 once, and ignores old data', async () => {
    const db = new PacelineDB(freshName('alerts'));
    const journal = await openJournalStore(db, CIRCLE);
    const docs = await openCircleDocs(db, CIRCLE, 'patient');
    const now = new Date('2026-11-23T12:00:00.000Z');
    // Thirty days ago: history, not a new alert.
    unwrap(await journal.put(assessment('2026-10-24T09:00:00.000Z', 'phq9', [1, 1, 1, 1, 1, 1, 1, 1, 2])));
    expect(await raiseAlerts(journal, docs.alerts!, ME, now)).toBe(0);
    unwrap(await journal.put(assessment('2026-11-23T09:00:00.000Z', 'phq9', [2, 2, 2, 2, 2, 2, 2, 2, 1])));
    // Item 9, and a rise of 7 points since the last PHQ-9 (10 -> 17).
    expect(await raiseAlerts(journal, docs.alerts!, ME, now, db)).toBe(2);
    expect(await raiseAlerts(journal, docs.alerts!, ME, now)).toBe(0);
    const alerts = docs.alerts!.all('alert').map((a) => a.kind === 'alert' && [a.ruleId, a.level, a.raisedBy]).sort();
    expect(alerts).toEqual([['phq9-item9', 'urgent', ME], ['phq9-rise', 'high', ME]]);
    await docs.close();
    await journal.close();
    db.close();
  });
});
