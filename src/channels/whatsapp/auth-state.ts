/**
 * Baileys' AuthenticationState on top of an encrypted key-value store (store/whatsapp-auth.ts):
 * values serialised with BufferJSON, every signal key type kept (the v7 lid-mapping, device-list,
 * tctoken and identity-key included, since types are not filtered), each keys.set batch written in
 * one transaction, reads cached by makeCacheableSignalKeyStore.
 */
import { BufferJSON, initAuthCreds, makeCacheableSignalKeyStore, proto, type AuthenticationCreds, type AuthenticationState, type SignalDataSet, type SignalDataTypeMap, type SignalKeyStore } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import { z } from 'zod';

/** What the Baileys auth state needs from storage; PgWhatsAppAuthStore fits. */
export interface AuthStore {
  readCreds(): Promise<string | null>;
  writeCreds(value: string): Promise<void>;
  readKeys(type: string, ids: readonly string[]): Promise<Map<string, string>>;
  writeKeys(writes: readonly { type: string; id: string; value: string | null }[]): Promise<void>;
  clear(): Promise<number>;
}

export interface StoredAuthState {
  state: AuthenticationState;
  /** Persists creds; called on every creds.update. */
  saveCreds(): Promise<void>;
  /** Whether creds came from storage (false: a fresh session that must be paired). */
  restored: boolean;
}

const CredsShape = z.looseObject({
  noiseKey: z.looseObject({ private: z.instanceof(Uint8Array), public: z.instanceof(Uint8Array) }),
  signedIdentityKey: z.looseObject({ private: z.instanceof(Uint8Array), public: z.instanceof(Uint8Array) }),
  registrationId: z.number().int(),
  advSecretKey: z.string(),
});

/** Values read back were written by {@link serialise} of the same type (the row address is authenticated). */
function isStored<T>(value: unknown): value is T {
  return value !== undefined && value !== null;
}

export function serialise(value: unknown): string {
  return JSON.stringify(value, BufferJSON.replacer);
}

export function deserialise(text: string): unknown {
  const value: unknown = JSON.parse(text, BufferJSON.reviver);
  return value;
}

function isCreds(value: unknown): value is AuthenticationCreds {
  return CredsShape.safeParse(value).success;
}

export async function loadAuthState(store: AuthStore, log: Logger): Promise<StoredAuthState> {
  const stored = await store.readCreds();
  const parsed = stored === null ? null : deserialise(stored);
  if (stored !== null && !isCreds(parsed)) throw new Error('the stored WhatsApp creds do not have the shape Baileys writes; clear the session and pair again');
  const creds = parsed !== null && isCreds(parsed) ? parsed : initAuthCreds();

  const keys: SignalKeyStore = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const rows = await store.readKeys(type, ids);
      const result: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const [id, text] of rows) {
        let value = deserialise(text);
        if (type === 'app-state-sync-key' && typeof value === 'object' && value !== null) value = proto.Message.AppStateSyncKeyData.fromObject(value);
        if (isStored<SignalDataTypeMap[T]>(value)) result[id] = value;
      }
      return result;
    },
    async set(data: SignalDataSet) {
      const writes: { type: string; id: string; value: string | null }[] = [];
      for (const [type, entries] of Object.entries(data)) {
        for (const [id, value] of Object.entries(entries ?? {})) writes.push({ type, id, value: value === null || value === undefined ? null : serialise(value) });
      }
      await store.writeKeys(writes);
    },
    async clear() {
      await store.clear();
    },
  };
  return {
    state: { creds, keys: makeCacheableSignalKeyStore(keys, log) },
    saveCreds: () => store.writeCreds(serialise(creds)),
    restored: stored !== null,
  };
}
