import { describe, expect, it } from 'vitest';
import { WorkingDayCalendar } from '../../src/domain/index.js';
import type { AdminPrincipal } from '../../src/services/admin-principal.js';
import { decideComplaintAccess, decideContentVisibility, isAgencyInScope, toAgencyTree } from '../../src/services/admin/scope.js';
import { parseAuthorization } from '../../src/store/admin-tokens.js';

const tree = toAgencyTree([
  { id: 'pemkot', parentId: null, regionCode: '35.73' },
  { id: 'kominfo', parentId: 'pemkot', regionCode: '35.73' },
  { id: 'dinkes', parentId: 'pemkot', regionCode: '35.73' },
  { id: 'puskesmas', parentId: 'dinkes', regionCode: '35.73.05' },
  { id: 'kab', parentId: null, regionCode: '35.07' },
]);
const who = (role: AdminPrincipal['role'], agencyId: string | null): AdminPrincipal => ({ userId: 'u', name: 'n', role, agencyId, officerId: null });

describe('admin scope', () => {
  it('keeps each role inside its agencies', () => {
    expect(isAgencyInScope(who('OPERATOR', null), 'kab', tree)).toBe(true);
    expect(isAgencyInScope(who('ADMIN_KOORDINATOR', 'kominfo'), 'puskesmas', tree)).toBe(true);
    expect(isAgencyInScope(who('ADMIN_KOORDINATOR', 'kominfo'), 'kab', tree)).toBe(false);
    expect(isAgencyInScope(who('ADMIN_INSTANSI', 'dinkes'), 'puskesmas', tree)).toBe(true);
    expect(isAgencyInScope(who('ADMIN_INSTANSI', 'dinkes'), 'kominfo', tree)).toBe(false);
    expect(isAgencyInScope(who('ADMIN_INSTANSI', null), 'dinkes', tree)).toBe(false);
  });

  it('decides complaint access like the chat desk, with OPERATOR everywhere', () => {
    const complaint = { agencyId: 'puskesmas', regionCode: '35.73.05', copyAgencyIds: ['kab'], status: 'FORWARDED' };
    expect(decideComplaintAccess(who('OPERATOR', null), complaint, tree)).toBe('act');
    expect(decideComplaintAccess(who('ADMIN_INSTANSI', 'dinkes'), complaint, tree)).toBe('act');
    expect(decideComplaintAccess(who('ADMIN_INSTANSI', 'kab'), complaint, tree)).toBe('read');
    expect(decideComplaintAccess(who('ADMIN_INSTANSI', 'kominfo'), complaint, tree)).toBe('none');
    expect(decideComplaintAccess(who('ADMIN_INSTANSI', 'dinkes'), { ...complaint, status: 'SUBMITTED' }, tree)).toBe('none');
  });

  it('hides rahasia content from copy readers only', () => {
    expect(decideContentVisibility('act', { confidential: true })).toEqual({ content: true, title: true });
    expect(decideContentVisibility('read', { confidential: true })).toEqual({ content: false, title: false });
    expect(decideContentVisibility('read', { confidential: false })).toEqual({ content: true, title: true });
  });
});

describe('parseAuthorization', () => {
  const token = `adn_${'a'.repeat(43)}`;
  it('reads Bearer and Basic (token as password) and refuses anything else', () => {
    expect(parseAuthorization(`Bearer ${token}`)).toBe(token);
    expect(parseAuthorization(`Basic ${Buffer.from(`x:${token}`).toString('base64')}`)).toBe(token);
    expect(parseAuthorization(`Bearer ${token}x`)).toBeNull();
    expect(parseAuthorization(`Token ${token}`)).toBeNull();
    expect(parseAuthorization(undefined)).toBeNull();
    expect(parseAuthorization("Bearer ' OR 1=1 --")).toBeNull();
  });
});

describe('holiday overrides', () => {
  it('adds and cancels days without changing the base calendar', () => {
    const base = new WorkingDayCalendar(new Map([['2027-01-01', 'Tahun Baru']]));
    const merged = base.withOverrides([{ date: '2027-01-04', kind: 'EXTRA', name: 'Libur daerah' }, { date: '2027-01-01', kind: 'CANCELLED', name: 'Masuk' }]);
    expect(merged.isWorkingDay({ year: 2027, month: 1, day: 1 })).toBe(true);
    expect(merged.holidayName({ year: 2027, month: 1, day: 4 })).toBe('Libur daerah');
    expect(base.isWorkingDay({ year: 2027, month: 1, day: 1 })).toBe(false);
    expect([...merged.entries()]).toEqual([['2027-01-04', 'Libur daerah']]);
  });
});
