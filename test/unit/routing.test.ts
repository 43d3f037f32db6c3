import { describe, expect, it } from 'vitest';
import { decideRoute, regionAncestry, type RouteRequest, type RoutingRuleView } from '../../src/domain/index.js';

// Kota Malang 35.73, Kecamatan Lowokwaru 35.73.05, in Jawa Timur 35.
const rules: RoutingRuleView[] = [
  { categoryId: 'cat-pu', regionCode: null, agencyId: 'pu-anywhere' },
  { categoryId: 'cat-pu', regionCode: '35.73', agencyId: 'pu-kota' },
  { categoryId: 'cat-pu', regionCode: '35.73.05', agencyId: 'pu-lowokwaru' },
  { categoryId: 'cat-pu-jalan', regionCode: null, agencyId: 'jalan-anywhere' },
  { categoryId: 'cat-pu-jalan', regionCode: '35.73', agencyId: 'jalan-kota' },
  { categoryId: 'cat-ktp', regionCode: '35', agencyId: 'ktp-provinsi' },
];
const coordinators = [
  { agencyId: 'kominfo-jatim', regionCode: '35' },
  { agencyId: 'kominfo-malang', regionCode: '35.73' },
];

const request = (overrides: Partial<RouteRequest>): RouteRequest => ({
  categoryId: 'cat-pu-jalan',
  parentCategoryId: 'cat-pu',
  regionCode: '35.73.05',
  requestedAgencyId: null,
  ...overrides,
});

describe('regionAncestry', () => {
  it.each<[string | null, string[]]>([
    ['35.73.05.1001', ['35.73.05.1001', '35.73.05', '35.73', '35']],
    ['35.73.05', ['35.73.05', '35.73', '35']],
    ['35', ['35']],
    [null, []],
    ['', []],
  ])('%s → %j', (code, expected) => {
    expect(regionAncestry(code)).toEqual(expected);
  });
});

describe('decideRoute', () => {
  it.each<[string, Partial<RouteRequest>, RoutingRuleView[], object | null]>([
    ['the agency the citizen named wins over every rule', { requestedAgencyId: 'ag-chosen' }, rules, { kind: 'requested', agencyId: 'ag-chosen' }],
    ['a sub-category rule wins over a closer category rule', {}, rules, { kind: 'rule', agencyId: 'jalan-kota' }],
    [
      'the kecamatan rule wins over the city rule',
      { categoryId: 'cat-pu-pju' },
      rules,
      { kind: 'rule', agencyId: 'pu-lowokwaru' },
    ],
    ['the city rule wins over the region-wide rule', { categoryId: 'cat-pu-pju', regionCode: '35.73.02' }, rules, { kind: 'rule', agencyId: 'pu-kota' }],
    ['the region-wide rule applies elsewhere', { categoryId: 'cat-pu-pju', regionCode: '35.07' }, rules, { kind: 'rule', agencyId: 'pu-anywhere' }],
    ['the region-wide rule applies with no region', { categoryId: 'cat-pu-pju', regionCode: null }, rules, { kind: 'rule', agencyId: 'pu-anywhere' }],
    ['a sub-category rule in any region beats the parent', { regionCode: '34.71' }, rules, { kind: 'rule', agencyId: 'jalan-anywhere' }],
    ['a top-level category with no parent', { categoryId: 'cat-pu', parentCategoryId: null }, rules, { kind: 'rule', agencyId: 'pu-lowokwaru' }],
    ['a province rule matches a kecamatan inside it', { categoryId: 'cat-ktp', parentCategoryId: 'cat-kependudukan' }, rules, { kind: 'rule', agencyId: 'ktp-provinsi' }],
    [
      'the coordinator of the closest region when no rule matches',
      { categoryId: 'cat-kesehatan', parentCategoryId: null },
      rules,
      { kind: 'coordinator', agencyId: 'kominfo-malang' },
    ],
    [
      'the province coordinator when the city has none',
      { categoryId: 'cat-kesehatan', parentCategoryId: null, regionCode: '35.07.01' },
      rules,
      { kind: 'coordinator', agencyId: 'kominfo-jatim' },
    ],
    ['the coordinator when there are no rules at all', {}, [], { kind: 'coordinator', agencyId: 'kominfo-malang' }],
    ['a rule for another region does not match', { categoryId: 'cat-ktp', parentCategoryId: null, regionCode: '35.73' }, rules.slice(0, 5).concat({ categoryId: 'cat-ktp', regionCode: '35.07', agencyId: 'ktp-kab' }), { kind: 'coordinator', agencyId: 'kominfo-malang' }],
  ])('%s', (_what, overrides, ruleSet, expected) => {
    expect(decideRoute(request(overrides), ruleSet, coordinators)).toEqual(expected);
  });

  it('a requested agency needs no coordinator', () => {
    expect(decideRoute(request({ requestedAgencyId: 'ag-x' }), [], [])).toEqual({ kind: 'requested', agencyId: 'ag-x' });
  });

  // "No wrong door": outside every coordinator's region the first coordinator listed gets it.
  it.each<[string | null]>([['34.71.01'], [null]])('falls back to the first coordinator for region %s', (regionCode) => {
    const decision = decideRoute(request({ categoryId: 'cat-kesehatan', parentCategoryId: null, regionCode }), rules, [...coordinators].reverse());
    expect(decision).toEqual({ kind: 'coordinator', agencyId: 'kominfo-malang' });
  });

  it('gives null when no rule matches and there is no coordinator', () => {
    expect(decideRoute(request({ categoryId: 'cat-kesehatan', parentCategoryId: null }), rules, [])).toBeNull();
  });

  it('does not depend on the order of the rules', () => {
    const reversed = [...rules].reverse();
    for (const overrides of [{}, { categoryId: 'cat-pu-pju' }, { categoryId: 'cat-pu-pju', regionCode: '35.73.02' }]) {
      expect(decideRoute(request(overrides), reversed, coordinators)).toEqual(decideRoute(request(overrides), rules, coordinators));
    }
  });
});
