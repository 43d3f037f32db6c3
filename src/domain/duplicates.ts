/**
 * Likely duplicates: a new complaint of the same category, close in place and time to an open one
 * (within 250 m when both have a map pin, or the same address words when they were typed). Officers
 * see the suggestion and decide; nothing is merged automatically.
 */

export interface Place {
  latitude: number | null;
  longitude: number | null;
  address: string | null;
}

export interface DuplicateCandidate extends Place {
  id: string;
  submittedAt: Date;
}

export const DUPLICATE_RADIUS_METRES = 250;
export const DUPLICATE_WINDOW_DAYS = 14;

/** Great-circle distance in metres. */
export function distanceMetres(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

const words = (address: string) =>
  new Set(
    address
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '') // drop the accents NFKD split off, or "pétung" becomes "pe tung"
      .replace(/[^a-z0-9\s]/g, ' ')
      .split(/\s+/)
      .filter((w) => w.length > 2 && !['jalan', 'jl', 'gang', 'kec', 'kel', 'kecamatan', 'kelurahan', 'kota', 'depan', 'dekat', 'samping'].includes(w)),
  );

/** Share of the smaller address's words found in the other (0..1). */
export function addressOverlap(a: string, b: string): number {
  const wa = words(a);
  const wb = words(b);
  // One shared word ("Lowokwaru") says nothing: it takes two to name a place.
  if (wa.size < 2 || wb.size < 2) return 0;
  const shared = [...wa].filter((w) => wb.has(w)).length;
  return shared / Math.min(wa.size, wb.size);
}

/** The closest open complaint that is likely the same problem, or null. Candidates are pre-filtered by category and status. */
export function pickDuplicate(place: Place, submittedAt: Date, candidates: readonly DuplicateCandidate[]): DuplicateCandidate | null {
  const since = submittedAt.getTime() - DUPLICATE_WINDOW_DAYS * 86_400_000;
  let best: { candidate: DuplicateCandidate; score: number } | null = null;
  for (const candidate of candidates) {
    if (candidate.submittedAt.getTime() < since) continue;
    let score = 0;
    if (place.latitude !== null && place.longitude !== null && candidate.latitude !== null && candidate.longitude !== null) {
      const metres = distanceMetres({ latitude: place.latitude, longitude: place.longitude }, { latitude: candidate.latitude, longitude: candidate.longitude });
      if (metres <= DUPLICATE_RADIUS_METRES) score = 1 - metres / (DUPLICATE_RADIUS_METRES * 2);
    } else if (place.address && candidate.address) {
      const overlap = addressOverlap(place.address, candidate.address);
      if (overlap >= 0.75) score = overlap * 0.9;
    }
    if (score > 0 && (!best || score > best.score)) best = { candidate, score };
  }
  return best?.candidate ?? null;
}
