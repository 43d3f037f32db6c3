/** Likely duplicates: distance on the globe, address words, and the pick among open complaints. */
import { describe, expect, it } from 'vitest';
import {
  DUPLICATE_RADIUS_METRES,
  DUPLICATE_WINDOW_DAYS,
  addressOverlap,
  distanceMetres,
  pickDuplicate,
  type DuplicateCandidate,
  type Place,
} from '../../src/domain/index.js';

const at = (latitude: number, longitude: number) => ({ latitude, longitude });
/** Alun-alun Tugu, Malang, roughly. */
const MALANG = at(-7.98, 112.63);
/** One degree of latitude on a sphere of 6,371 km: 2πR / 360. */
const DEGREE = (2 * Math.PI * 6_371_000) / 360;

describe('distanceMetres', () => {
  it.each<[string, { latitude: number; longitude: number }, { latitude: number; longitude: number }, number, number]>([
    ['the same point', MALANG, MALANG, 0, 1e-9],
    ['one degree of latitude at the equator', at(0, 0), at(1, 0), 111_195, 1],
    ['one degree of latitude near Malang', at(-7, 112.63), at(-8, 112.63), 111_195, 1],
    ['one degree of longitude at the equator', at(0, 0), at(0, 1), 111_195, 1],
    ['one degree of longitude at Malang (shorter by cos 7.98°)', at(-7.98, 112), at(-7.98, 113), DEGREE * Math.cos((7.98 * Math.PI) / 180), 1],
    ['50 m south of Malang', MALANG, at(-7.98045, 112.63), 50, 0.5],
    ['50 m east of Malang', MALANG, at(-7.98, 112.63045), 49.6, 0.5],
    ['300 m south of Malang', MALANG, at(-7.9827, 112.63), 300, 0.5],
    ['300 m east of Malang', MALANG, at(-7.98, 112.63272), 299.5, 0.5],
    ['across the antimeridian', at(0, 179.9), at(0, -179.9), 0.2 * DEGREE, 1],
  ])('%s', (_what, a, b, metres, tolerance) => {
    expect(Math.abs(distanceMetres(a, b) - metres)).toBeLessThanOrEqual(tolerance);
  });

  it('one degree of latitude is about 111 km', () => {
    expect(distanceMetres(at(0, 0), at(1, 0)) / 1000).toBeCloseTo(111.19, 2);
  });

  it('is symmetric', () => {
    expect(distanceMetres(MALANG, at(-7.9827, 112.6327))).toBeCloseTo(distanceMetres(at(-7.9827, 112.6327), MALANG), 9);
  });
});

describe('addressOverlap', () => {
  it.each<[string, string, number]>([
    ['Jl. Soekarno Hatta No. 5, Lowokwaru', 'jalan soekarno-hatta lowokwaru', 1],
    ['Jalan Kawi Atas', 'JL KAWI ATAS', 1],
    ['Pasar Dinoyo', 'Jalan MT Haryono depan Pasar Dinoyo, Lowokwaru', 1],
    ['Jalan MT Haryono depan Pasar Dinoyo, Lowokwaru', 'Pasar Dinoyo', 1],
    ['Pasar Dinoyo Lowokwaru', 'Pasar Besar Klojen', 1 / 3],
    ['Jalan Ijen', 'Jalan Semeru', 0],
    ['Jl. depan kota', 'Jl. depan kota', 0], // only ignored words
    ['No. 5 RT 2', 'No. 5 RT 2', 0], // only short words
    ['', 'Pasar Dinoyo', 0],
    ['Jalan Bandung Sukun Ciptomulyo Gadang', 'Bandung Sukun Ciptomulyo Kota Malang', 0.75],
    // One word left after the filler words ("jalan", "kelurahan") says nothing about the place.
    ['Kelurahan Sumbersari', 'Kel. Sumbersari', 0],
    ['Lowokwaru', 'Jalan Bunga Kopi, Lowokwaru', 0],
    ['Jalan Pétung Raya', 'jalan petung raya', 1], // accents folded
  ])('%j vs %j → %d', (a, b, overlap) => {
    expect(addressOverlap(a, b)).toBeCloseTo(overlap, 9);
  });
});

describe('pickDuplicate', () => {
  const NOW = new Date('2026-03-16T03:00:00Z');
  const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
  const pin = (latitude: number, longitude: number, address: string | null = null): Place => ({ latitude, longitude, address });
  const typed = (address: string | null): Place => ({ latitude: null, longitude: null, address });
  const candidate = (id: string, place: Place, age = 1): DuplicateCandidate => ({ id, ...place, submittedAt: daysAgo(age) });

  const here = pin(MALANG.latitude, MALANG.longitude);
  const near = candidate('near-50m', pin(-7.98045, 112.63));
  const mid = candidate('mid-200m', pin(-7.9818, 112.63));
  const far = candidate('far-300m', pin(-7.9827, 112.63));
  const edgeIn = candidate('edge-249m', pin(-7.98224, 112.63));
  const edgeOut = candidate('edge-251m', pin(-7.98226, 112.63));

  it('the radius and window are 250 m and 14 days', () => {
    expect([DUPLICATE_RADIUS_METRES, DUPLICATE_WINDOW_DAYS]).toEqual([250, 14]);
  });

  it.each<[string, Place, DuplicateCandidate[], string | null]>([
    ['the closest of several within 250 m', here, [mid, far, near], 'near-50m'],
    ['order does not matter', here, [near, mid, far], 'near-50m'],
    ['one within 250 m among far ones', here, [far, mid], 'mid-200m'],
    ['none within 250 m', here, [far], null],
    ['249 m is inside', here, [edgeIn], 'edge-249m'],
    ['251 m is outside', here, [edgeOut], null],
    ['the same pin', here, [candidate('same', here)], 'same'],
    ['no candidates', here, [], null],
    ['older than 14 days is ignored even at 50 m', here, [candidate('old', pin(-7.98045, 112.63), 15)], null],
    ['an old close one loses to a recent farther one', here, [candidate('old-10m', pin(-7.9801, 112.63), 20), mid], 'mid-200m'],
    ['exactly 14 days ago is still inside the window', here, [candidate('day-14', pin(-7.98045, 112.63), 14)], 'day-14'],
    ['both pinned: same address words do not help when 300 m apart', pin(-7.98, 112.63, 'Pasar Dinoyo'), [candidate('far', pin(-7.9827, 112.63, 'Pasar Dinoyo'))], null],
    ['typed addresses when the new one has no pin', typed('Jl. MT Haryono depan Pasar Dinoyo'), [candidate('addr', pin(-7.94, 112.61, 'Pasar Dinoyo'))], 'addr'],
    ['typed addresses when the candidate has no pin', pin(-7.98, 112.63, 'Pasar Dinoyo'), [candidate('addr', typed('pasar dinoyo'))], 'addr'],
    ['typed addresses when neither has a pin', typed('Jalan Bandung Sukun Ciptomulyo Gadang'), [candidate('addr', typed('Bandung Sukun Ciptomulyo Kota Malang'))], 'addr'],
    ['addresses that share too few words', typed('Pasar Dinoyo Lowokwaru'), [candidate('addr', typed('Pasar Besar Klojen'))], null],
    [
      'the better address match of two',
      typed('Jalan Bandung Sukun Ciptomulyo Gadang'),
      [candidate('three-of-four', typed('Bandung Sukun Ciptomulyo Malang')), candidate('all', typed('bandung sukun ciptomulyo gadang'))],
      'all',
    ],
    ['an address match equal to another keeps the first', typed('Pasar Dinoyo'), [candidate('first', typed('Pasar Dinoyo')), candidate('second', typed('pasar dinoyo'))], 'first'],
    ['address of an old one is ignored', typed('Pasar Dinoyo'), [candidate('old', typed('Pasar Dinoyo'), 30)], null],
    ['no pin and no address', typed(null), [candidate('addr', typed('Pasar Dinoyo')), near], null],
    ['a pin against a candidate with neither', here, [candidate('blank', typed(null))], null],
  ])('%s', (_what, place, candidates, expectedId) => {
    expect(pickDuplicate(place, NOW, candidates)?.id ?? null).toBe(expectedId);
  });
});
