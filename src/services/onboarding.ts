/**
 * Officers join with a one-time link code: an admin creates the officer (CLI, later the admin API),
 * hands over the code, and the officer sends "daftar <code>" to the bot on any channel. Codes are
 * single use, expire, and are stored only as hashes. Deactivating an officer stops every identity.
 */
import { createHash, randomBytes } from 'node:crypto';
import { CODE_ALPHABET, type Channel, type OfficerRole } from '../domain/index.js';

export interface OfficerStore {
  createOfficer(input: { name: string; role: OfficerRole; agencyCode: string }): Promise<{ id: string } | { error: 'unknown_agency' }>;
  saveLinkCode(officerId: string, codeHash: string, expiresAt: Date): Promise<void>;
  /** Marks the code used and links the identity in one transaction; says why not otherwise. */
  redeemLinkCode(codeHash: string, identity: { channel: Channel; externalId: string }, now: Date): Promise<{ ok: true; officerName: string; agencyName: string } | { ok: false; reason: 'unknown' | 'used' | 'expired' | 'inactive' | 'taken' }>;
  setActive(officerId: string, active: boolean): Promise<boolean>;
}

export const LINK_CODE_PATTERN = /^[0-9A-Z]{4}-?[0-9A-Z]{4}$/i;

export function newLinkCode(random: (n: number) => Buffer = randomBytes): string {
  const bytes = random(8);
  const chars = [...bytes].map((b) => CODE_ALPHABET.charAt(b % 32));
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}

export const hashLinkCode = (code: string) => createHash('sha256').update(code.toUpperCase().replace(/-/g, '')).digest('hex');

export async function createOfficerWithCode(store: OfficerStore, input: { name: string; role: OfficerRole; agencyCode: string }, now: Date, validHours: number): Promise<{ officerId: string; code: string; expiresAt: Date } | { error: string }> {
  const created = await store.createOfficer(input);
  if ('error' in created) return { error: `agency "${input.agencyCode}" does not exist` };
  const issued = await issueLinkCode(store, created.id, now, validHours);
  return { officerId: created.id, ...issued };
}

export async function issueLinkCode(store: OfficerStore, officerId: string, now: Date, validHours: number): Promise<{ code: string; expiresAt: Date }> {
  const code = newLinkCode();
  const expiresAt = new Date(now.getTime() + validHours * 3600_000);
  await store.saveLinkCode(officerId, hashLinkCode(code), expiresAt);
  return { code, expiresAt };
}

const REASONS = {
  unknown: 'Kode pendaftaran tidak dikenal.',
  used: 'Kode pendaftaran sudah dipakai. Minta kode baru ke admin.',
  expired: 'Kode pendaftaran sudah kedaluwarsa. Minta kode baru ke admin.',
  inactive: 'Akun petugas ini nonaktif.',
  taken: 'Akun chat ini sudah terhubung ke petugas lain.',
} as const;

export async function linkOfficer(store: OfficerStore, code: string, identity: { channel: Channel; externalId: string }, now: Date): Promise<string> {
  if (!LINK_CODE_PATTERN.test(code.trim())) return REASONS.unknown;
  const result = await store.redeemLinkCode(hashLinkCode(code.trim()), identity, now);
  if (!result.ok) return REASONS[result.reason];
  return `Terhubung sebagai petugas ${result.officerName} (${result.agencyName}). Ketik "bantuan" untuk daftar perintah.`;
}
