// Joining from an invitation on this device (offline): keys and the claim stored, the
// patient's name written to the circle document and queued for sharing, the profile switched.
import { describe, expect, it } from 'vitest';
import { PacelineDB } from '../../../src/storage/db';
import { openCircleDocs } from '../../../src/storage/circle-docs';
import { createCircle, loadOrCreateBoxKeys, loadOrCreateDeviceKeys, shareDocuments } from '../../../src/sync/identity';
import { createInvitation } from '../../../src/sync/invitations';
import { joinCircle } from '../../../src/ui/features/circle/circle-actions';
import { loadDeviceProfile } from '../../../src/storage/profile';
import { freshName, unwrap } from '../storage/test-db';
import { CIRCLE } from '../sync/fixtures';

describe('joining a circle from an invitation', () => {
  it('writes the patient’s name to the circle document, queued for sharing, and switches the profile', async () => {
    const clinic = new PacelineDB(freshName('clinic'));
    const device = await loadOrCreateDeviceKeys(clinic);
    await loadOrCreateBoxKeys(clinic);
    unwrap(await createCircle(clinic, device, CIRCLE, Date.now(), { role: 'clinician' }));
    await shareDocuments(clinic, CIRCLE, ['circle']);
    const inv = unwrap(await createInvitation(clinic, CIRCLE, { role: 'patient', handOverOwnerKey: true }));

    const phone = new PacelineDB(freshName('phone'));
    const { circleId: own } = await loadDeviceProfile(phone);
    const joined = await joinCircle(phone, own, inv, 'Ana');
    expect(joined).toEqual({ ok: true, merged: 0 });
    expect(await loadDeviceProfile(phone)).toEqual({ circleId: CIRCLE, role: 'patient' });
    expect(await phone.inviteClaims.count()).toBe(1);
    expect(await phone.ownerKeys.get(CIRCLE)).toBeDefined();
    const pending = await phone.syncPending.where('docKey').equals(`${CIRCLE}/circle`).count();
    expect(pending).toBeGreaterThan(0);
    const docs = await openCircleDocs(phone, CIRCLE, 'patient');
    expect(docs.circle.all('member').map((m) => m.kind === 'member' && [m.name, m.role])).toEqual([['Ana', 'patient']]);
    await docs.close();
  });
});
