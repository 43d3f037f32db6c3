/**
 * The WhatsApp session at rest: creds and signal keys as (account, type, id) rows, each value
 * encrypted with AES-256-GCM under WHATSAPP_AUTH_KEY (a fresh IV per write, the row's address as
 * associated data so a value cannot be moved to another row). Values are opaque strings here; the
 * channel serialises them (Baileys' BufferJSON). A batch of key writes is one transaction.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Db } from './prisma.js';

const CREDS_TYPE = 'creds';
const VERSION = 'v1';

/** The stored auth state cannot be read with the configured key (changed key, or tampered rows). */
export class WhatsAppAuthKeyError extends Error {
  constructor(detail: string) {
    super(`WHATSAPP_AUTH_KEY does not decrypt the stored WhatsApp session (${detail}). Restore the key it was written with, or clear the session (npm run cli -- whatsapp logout) and pair again.`);
  }
}

/** A key write: a value, or null to delete. */
export interface AuthKeyWrite {
  type: string;
  id: string;
  value: string | null;
}

export class PgWhatsAppAuthStore {
  constructor(private readonly db: Db, private readonly key: Buffer, private readonly account = 'default') {
    if (key.length !== 32) throw new Error('WHATSAPP_AUTH_KEY must be 32 bytes');
  }

  async readCreds(): Promise<string | null> {
    const row = await this.db.whatsAppAuthKey.findUnique({ where: { account_type_id: { account: this.account, type: CREDS_TYPE, id: '' } } });
    return row ? this.decrypt(CREDS_TYPE, '', row.value) : null;
  }

  async writeCreds(value: string): Promise<void> {
    const where = { account: this.account, type: CREDS_TYPE, id: '' };
    const encrypted = this.encrypt(CREDS_TYPE, '', value);
    await this.db.whatsAppAuthKey.upsert({ where: { account_type_id: where }, create: { ...where, value: encrypted }, update: { value: encrypted } });
  }

  async readKeys(type: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.whatsAppAuthKey.findMany({ where: { account: this.account, type, id: { in: [...ids] } }, select: { id: true, value: true } });
    return new Map(rows.map((row) => [row.id, this.decrypt(type, row.id, row.value)]));
  }

  /** Every write of the batch, or none of them. */
  async writeKeys(writes: readonly AuthKeyWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const account = this.account;
    const deletes = writes.filter((w) => w.value === null);
    const upserts = writes.flatMap((w) => (w.value === null ? [] : [{ type: w.type, id: w.id, value: this.encrypt(w.type, w.id, w.value) }]));
    await this.db.$transaction([
      ...deletes.map((w) => this.db.whatsAppAuthKey.deleteMany({ where: { account, type: w.type, id: w.id } })),
      ...upserts.map((w) => this.db.whatsAppAuthKey.upsert({ where: { account_type_id: { account, type: w.type, id: w.id } }, create: { account, ...w }, update: { value: w.value } })),
    ]);
  }

  /** Logged out: the whole session goes, so the next start pairs again. */
  async clear(): Promise<number> {
    return (await this.db.whatsAppAuthKey.deleteMany({ where: { account: this.account } })).count;
  }

  async countKeys(): Promise<number> {
    return this.db.whatsAppAuthKey.count({ where: { account: this.account } });
  }

  private aad(type: string, id: string): Buffer {
    return Buffer.from(`${this.account}\u0000${type}\u0000${id}`, 'utf8');
  }

  private encrypt(type: string, id: string, plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(this.aad(type, id));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  private decrypt(type: string, id: string, stored: string): string {
    if (!stored.startsWith(`${VERSION}:`)) throw new WhatsAppAuthKeyError(`row ${type}/${id} is not in the ${VERSION} format`);
    const raw = Buffer.from(stored.slice(VERSION.length + 1), 'base64');
    if (raw.length < 28) throw new WhatsAppAuthKeyError(`row ${type}/${id} is truncated`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAAD(this.aad(type, id));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      throw new WhatsAppAuthKeyError(`authentication failed on row ${type}/${id}`);
    }
  }
}

/** `cli whatsapp logout`: deletes the stored session without needing its key (the next start pairs again). */
export async function clearWhatsAppSession(db: Db, account = 'default'): Promise<number> {
  return (await db.whatsAppAuthKey.deleteMany({ where: { account } })).count;
}

/** `cli whatsapp status`: whether a session is stored, and how many keys it has. */
export async function describeWhatsAppSession(db: Db, account = 'default'): Promise<{ paired: boolean; rows: number }> {
  const rows = await db.whatsAppAuthKey.count({ where: { account } });
  const creds = await db.whatsAppAuthKey.count({ where: { account, type: CREDS_TYPE } });
  return { paired: creds > 0, rows };
}
