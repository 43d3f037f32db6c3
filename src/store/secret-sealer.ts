/**
 * Secrets the service must read back, stored sealed: webhook signing secrets (the receiver holds the
 * same secret, so it cannot be hashed). With a key, a secret is stored as
 * `sealed1:<base64 of iv ‖ tag ‖ ciphertext>`, AES-256-GCM with the row it belongs to as associated
 * data (so a sealed value copied to another row does not open there). Without a key it is stored as
 * it is; a plain value is always read, so sealing can be switched on for an existing deployment.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** What every sealed value starts with. */
export const SEALED_PREFIX = 'sealed1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed secret that cannot be opened: no key configured, the wrong key, or a damaged value. */
export class SecretSealError extends Error {}

/** A 32-byte key given as 64 hex characters or as base64 (or base64url); null when it is neither. */
export function parseKey32(text: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return key.length === 32 ? key : null;
  }
  return null;
}

export class SecretSealer {
  private readonly key: Buffer | null;

  /** `keyText` as parseKey32 takes it; undefined: secrets are stored as they are. */
  constructor(keyText: string | undefined, private readonly purpose = 'webhook') {
    this.key = keyText === undefined ? null : parseKey32(keyText);
    if (keyText !== undefined && !this.key) throw new SecretSealError('the key is not 32 bytes as 64 hex characters or base64');
  }

  /** Whether new secrets are stored sealed. */
  get sealing(): boolean {
    return this.key !== null;
  }

  static isSealed(stored: string): boolean {
    return stored.startsWith(SEALED_PREFIX);
  }

  /** What to store for `plain`, the secret of row `rowId`. */
  seal(plain: string, rowId: string): string {
    if (!this.key) return plain;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(this.aad(rowId));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${SEALED_PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  /** The secret stored for row `rowId`, sealed or not. */
  open(stored: string, rowId: string): string {
    if (!SecretSealer.isSealed(stored)) return stored;
    if (!this.key) throw new SecretSealError(`the ${this.purpose} secret of ${rowId} is sealed, and no key is configured to open it`);
    const raw = Buffer.from(stored.slice(SEALED_PREFIX.length), 'base64');
    if (raw.length <= IV_BYTES + TAG_BYTES) throw new SecretSealError(`the ${this.purpose} secret of ${rowId} is truncated`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(this.aad(rowId));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretSealError(`the ${this.purpose} secret of ${rowId} does not open with the configured key`);
    }
  }

  private aad(rowId: string): Buffer {
    return Buffer.from(`${this.purpose}\u0000${rowId}`, 'utf8');
  }
}
