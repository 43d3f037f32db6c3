/** Who may see and touch which complaint: decideAccess, mayPerform, mayForwardTo, isWithin. */
import { describe, expect, it } from 'vitest';
import {
  OFFICER_ACTIONS,
  decideAccess,
  isWithin,
  mayForwardTo,
  mayPerform,
  type Access,
  type AgencyTree,
  type ComplaintScope,
  type OfficerAction,
  type OfficerRole,
  type OfficerView,
} from '../../src/domain/index.js';

/**
 * Jawa Timur (35) with Kota Malang (35.73, kecamatan Lowokwaru 35.73.05) and Kabupaten Malang (35.07).
 *   kominfo-jatim (35, koordinator of the province)
 *   pemkot (35.73) ─┬─ kominfo (koordinator of the city)
 *                   ├─ dpu ── dpu-bm (unit) ── dpu-bm-seksi (sub-unit)
 *                   └─ dinkes ── puskesmas (35.73.05)
 *   pemkab (35.07) ── dpu-kab
 */
const agencies: [id: string, parent: string | null, region: string][] = [
  ['kominfo-jatim', null, '35'],
  ['pemkot', null, '35.73'],
  ['kominfo', 'pemkot', '35.73'],
  ['dpu', 'pemkot', '35.73'],
  ['dpu-bm', 'dpu', '35.73'],
  ['dpu-bm-seksi', 'dpu-bm', '35.73'],
  ['dinkes', 'pemkot', '35.73'],
  ['puskesmas', 'dinkes', '35.73.05'],
  ['pemkab', null, '35.07'],
  ['dpu-kab', 'pemkab', '35.07'],
];
const tree: AgencyTree = {
  parentOf: new Map(agencies.map(([id, parent]) => [id, parent])),
  regionOf: new Map(agencies.map(([id, , region]) => [id, region])),
};

const officer = (role: OfficerRole, agencyId: string, active = true): OfficerView => ({ id: `${role}@${agencyId}`, role, agencyId, active });
const koordinator = officer('ADMIN_KOORDINATOR', 'kominfo');
const provinsi = officer('ADMIN_KOORDINATOR', 'kominfo-jatim');
const admin = officer('ADMIN_INSTANSI', 'dpu');
const penghubung = officer('PEJABAT_PENGHUBUNG', 'dpu-bm');

const complaint = (agencyId: string | null, regionCode: string | null = '35.73.05', copyAgencyIds: string[] = []): ComplaintScope => ({ agencyId, regionCode, copyAgencyIds });

describe('decideAccess', () => {
  it.each<[string, OfficerView, ComplaintScope, Access]>([
    // admin koordinator: the whole region, whatever the agency
    ['koordinator: own agency (awaiting verification)', koordinator, complaint('kominfo'), 'act'],
    ['koordinator: another agency of the city', koordinator, complaint('dpu'), 'act'],
    ['koordinator: a unit of the city', koordinator, complaint('dpu-bm'), 'act'],
    ['koordinator: region taken from the agency when the complaint has none', koordinator, complaint('dpu', null), 'act'],
    ['koordinator: the city region itself', koordinator, complaint('dinkes', '35.73'), 'act'],
    ['koordinator: other region (Kabupaten Malang)', koordinator, complaint('dpu-kab', '35.07'), 'none'],
    // The receiving agency is in the koordinator's region, whatever the incident's region says.
    ['koordinator: other incident region but a city agency', koordinator, complaint('dpu', '35.07'), 'act'],
    ['koordinator: the province above the city', koordinator, complaint('kominfo-jatim', '35'), 'none'],
    ['koordinator: no region and no agency', koordinator, complaint(null, null), 'none'],
    ['province koordinator: a kecamatan of the city', provinsi, complaint('puskesmas'), 'act'],
    ['province koordinator: the kabupaten', provinsi, complaint('dpu-kab', '35.07'), 'act'],
    ['province koordinator: another province', provinsi, complaint('x', '33.74'), 'none'],
    ['koordinator inactive', { ...koordinator, active: false }, complaint('dpu'), 'none'],
    // admin instansi: its agency and units at any depth
    ['admin instansi: own agency', admin, complaint('dpu'), 'act'],
    ['admin instansi: own unit', admin, complaint('dpu-bm'), 'act'],
    ['admin instansi: a unit of its unit', admin, complaint('dpu-bm-seksi'), 'act'],
    ['admin instansi: parent agency', admin, complaint('pemkot'), 'none'],
    ['admin instansi: other agency', admin, complaint('dinkes'), 'none'],
    ['admin instansi: the koordinator queue', admin, complaint('kominfo'), 'none'],
    // Unverified complaints carry the koordinator's agency id; the queue is still the koordinators' alone.
    ['admin instansi of the koordinator agency: the verification queue', officer('ADMIN_INSTANSI', 'kominfo'), { ...complaint('kominfo'), status: 'SUBMITTED' }, 'none'],
    ['admin instansi of the koordinator agency: a complaint forwarded to it', officer('ADMIN_INSTANSI', 'kominfo'), { ...complaint('kominfo'), status: 'FORWARDED' }, 'act'],
    ['koordinator: the verification queue', koordinator, { ...complaint('kominfo'), status: 'SUBMITTED' }, 'act'],
    ['admin instansi: no agency yet', admin, complaint(null), 'none'],
    ['admin instansi: copy (tembusan) to its agency', admin, complaint('dinkes', '35.73.05', ['dpu']), 'read'],
    ['admin instansi: copy to one of its units', admin, complaint('dinkes', '35.73.05', ['puskesmas', 'dpu-bm']), 'read'],
    ['admin instansi: copy to someone else', admin, complaint('dinkes', '35.73.05', ['puskesmas']), 'none'],
    ['admin instansi: copy to the parent', admin, complaint('dinkes', '35.73.05', ['pemkot']), 'none'],
    ['admin instansi: own agency and a copy: act wins', admin, complaint('dpu', '35.73.05', ['dpu']), 'act'],
    ['admin instansi: other region does not matter', admin, complaint('dpu', '35.07'), 'act'],
    ['admin instansi inactive: own agency', { ...admin, active: false }, complaint('dpu'), 'none'],
    ['admin instansi inactive: copy', { ...admin, active: false }, complaint('dinkes', '35.73.05', ['dpu']), 'none'],
    // pejabat penghubung: their unit
    ['penghubung: own unit', penghubung, complaint('dpu-bm'), 'act'],
    ['penghubung: sub-unit', penghubung, complaint('dpu-bm-seksi'), 'act'],
    ['penghubung: parent agency', penghubung, complaint('dpu'), 'none'],
    ['penghubung: other agency', penghubung, complaint('puskesmas'), 'none'],
    ['penghubung: copy to own unit', penghubung, complaint('dinkes', '35.73.05', ['dpu-bm']), 'read'],
    ['penghubung: copy to the parent agency', penghubung, complaint('dinkes', '35.73.05', ['dpu']), 'none'],
    ['penghubung inactive', { ...penghubung, active: false }, complaint('dpu-bm'), 'none'],
  ])('%s → %s', (_what, who, scope, access) => {
    expect(decideAccess(who, scope, tree)).toBe(access);
  });
});

describe('mayPerform', () => {
  const koordinatorOnly: OfficerAction[] = ['archive', 'merge'];
  const agencyOnly: OfficerAction[] = ['not_authority'];
  const table = OFFICER_ACTIONS.flatMap((action) =>
    (['ADMIN_KOORDINATOR', 'ADMIN_INSTANSI', 'PEJABAT_PENGHUBUNG'] as const).map((role) => {
      const allowed = koordinatorOnly.includes(action)
        ? role === 'ADMIN_KOORDINATOR'
        : agencyOnly.includes(action)
          ? role !== 'ADMIN_KOORDINATOR'
          : action === 'forward' // disposisi is the admins' job
            ? role !== 'PEJABAT_PENGHUBUNG'
            : true;
      return [role, action, allowed] as const;
    }),
  );

  it.each(table)('%s %s → %s', (role, action, allowed) => {
    expect(mayPerform(officer(role, 'dpu'), action)).toBe(allowed);
  });

  it.each<[OfficerRole, OfficerAction, boolean]>([
    ['ADMIN_KOORDINATOR', 'archive', true],
    ['ADMIN_INSTANSI', 'archive', false],
    ['PEJABAT_PENGHUBUNG', 'merge', false],
    ['ADMIN_KOORDINATOR', 'not_authority', false],
    ['ADMIN_INSTANSI', 'not_authority', true],
    ['ADMIN_KOORDINATOR', 'forward', true],
    ['PEJABAT_PENGHUBUNG', 'answer', true],
  ])('spot check: %s %s → %s', (role, action, allowed) => {
    expect(mayPerform(officer(role, 'dpu'), action)).toBe(allowed);
  });
});

describe('mayForwardTo', () => {
  it.each<[string, OfficerView, string, boolean]>([
    ['koordinator → agency of the city', koordinator, 'dpu', true],
    ['koordinator → unit of the city', koordinator, 'dpu-bm-seksi', true],
    ['koordinator → agency in a kecamatan of the city', koordinator, 'puskesmas', true],
    ['koordinator → its own agency', koordinator, 'kominfo', true],
    ['koordinator → other region', koordinator, 'dpu-kab', false],
    ['koordinator → the province above', koordinator, 'kominfo-jatim', false],
    ['koordinator → unknown agency', koordinator, 'nowhere', false],
    ['province koordinator → kabupaten agency', provinsi, 'dpu-kab', true],
    ['province koordinator → city unit', provinsi, 'dpu-bm', true],
    ['koordinator without a region → anything', officer('ADMIN_KOORDINATOR', 'nowhere'), 'dpu', false],
    ['admin instansi → itself', admin, 'dpu', true],
    ['admin instansi → its unit', admin, 'dpu-bm', true],
    ['admin instansi → its sub-unit', admin, 'dpu-bm-seksi', true],
    ['admin instansi → its parent', admin, 'pemkot', false],
    ['admin instansi → sibling agency', admin, 'dinkes', false],
    ['admin instansi → the koordinator', admin, 'kominfo', false],
    ['admin instansi → other region', admin, 'dpu-kab', false],
    ['penghubung → its sub-unit', penghubung, 'dpu-bm-seksi', true],
    ['penghubung → its agency', penghubung, 'dpu', false],
  ])('%s → %s', (_what, who, target, allowed) => {
    expect(mayForwardTo(who, target, tree)).toBe(allowed);
  });
});

describe('isWithin', () => {
  /** a0 ← a1 ← … ← a25: a(n) is n levels below a0. */
  const chain: AgencyTree = {
    parentOf: new Map(Array.from({ length: 26 }, (_, i) => [`a${i}`, i === 0 ? null : `a${i - 1}`])),
    regionOf: new Map(),
  };
  const loop: AgencyTree = { parentOf: new Map([['x', 'y'], ['y', 'z'], ['z', 'x']]), regionOf: new Map() };

  it.each<[string, AgencyTree, string | null, string, boolean]>([
    ['itself', tree, 'dpu', 'dpu', true],
    ['a child', tree, 'dpu-bm', 'dpu', true],
    ['a grandchild', tree, 'dpu-bm-seksi', 'pemkot', true],
    ['the parent is not within the child', tree, 'dpu', 'dpu-bm', false],
    ['a sibling', tree, 'dinkes', 'dpu', false],
    ['another tree', tree, 'dpu-kab', 'pemkot', false],
    ['null agency', tree, null, 'dpu', false],
    ['unknown agency', tree, 'nowhere', 'dpu', false],
    ['19 levels deep is found', chain, 'a19', 'a0', true],
    ['20 levels deep is past the limit', chain, 'a20', 'a0', false],
    ['25 levels deep, root 10 levels up', chain, 'a25', 'a15', true],
    ['a cycle ends without a match', loop, 'x', 'nowhere', false],
    ['a cycle still finds its members', loop, 'x', 'z', true],
  ])('%s', (_what, t, agencyId, root, expected) => {
    expect(isWithin(t, agencyId, root)).toBe(expected);
  });
});
