import { initAuthCreds } from '@whiskeysockets/baileys';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuthState } from '../../src/channels/whatsapp/auth-state.js';
import { createDb, createPool, type Db, type Pool } from '../../src/store/prisma.js';
import { PgWhatsAppAuthStore, WhatsAppAuthKeyError } from '../../src/store/whatsapp-auth.js';
import { testConfig } from '../helpers/app.js';
import { FakeWhatsApp, startWhatsAppApp, TEST_AUTH_KEY } from '../helpers/whatsapp.js';

const log = pino({ level: 'silent' });

describe('WhatsApp session: auth state in PostgreSQL, encrypted', () => {
  let pool: Pool;
  let db: Db;
  const account = `test-${Math.random().toString(36).slice(2)}`;
  beforeAll(() => {
    pool = createPool(testConfig().DATABASE_URL, () => undefined);
    db = createDb(pool);
  });
  afterAll(async () => {
    await db.whatsAppAuthKey.deleteMany({ where: { account } });
    await db.$disconnect();
    await pool.end();
  });

  it('round-trips creds and every key type (v7 ones included) across a restart; null deletes; values are not stored in clear', async () => {
    const store = new PgWhatsAppAuthStore(db, Buffer.from(TEST_AUTH_KEY, 'hex'), account);
    const first = await loadAuthState(store, log);
    expect(first.restored).toBe(false);
    first.state.creds.registered = true;
    await first.saveCreds();
    const creds = first.state.creds;
    const session = new Uint8Array([1, 2, 3, 4]);
    await first.state.keys.set({
      'pre-key': { '1': creds.signedPreKey.keyPair, '2': creds.noiseKey },
      session: { '628111.0': session },
      'sender-key': { 'g1::628111::0': new Uint8Array([9]) },
      'sender-key-memory': { 'g1@g.us': { '628111@s.whatsapp.net': true } },
      'app-state-sync-key': { AAAA: { keyData: new Uint8Array([7, 7]), timestamp: 1795000000 } },
      'app-state-sync-version': { regular: { version: 3, hash: Buffer.alloc(128, 1), indexValueMap: {} } },
      'lid-mapping': { '628111': '150000000000001', '150000000000001_reverse': '628111' },
      'device-list': { '628111': ['0', '12'] },
      tctoken: { '628111@s.whatsapp.net': { token: Buffer.from('tok'), timestamp: '1795000000' } },
      'identity-key': { '628111.0': new Uint8Array(33).fill(5) },
    });
    const raw = await db.whatsAppAuthKey.findMany({ where: { account } });
    expect(raw.length).toBe(13); // creds + 12 keys
    expect(raw.every((r) => r.value.startsWith('v1:') && !r.value.includes('150000000000001'))).toBe(true);

    // "Restart the adapter": a new store and state over the same rows.
    const again = await loadAuthState(new PgWhatsAppAuthStore(db, Buffer.from(TEST_AUTH_KEY, 'hex'), account), log);
    expect(again.restored).toBe(true);
    expect(again.state.creds.registered).toBe(true);
    expect(Buffer.from(again.state.creds.noiseKey.private).equals(Buffer.from(creds.noiseKey.private))).toBe(true);
    expect(again.state.creds.advSecretKey).toBe(creds.advSecretKey);
    const preKeys = await again.state.keys.get('pre-key', ['1', '2', '3']);
    expect(Object.keys(preKeys).sort()).toEqual(['1', '2']);
    expect(Buffer.from(preKeys['1']!.private).equals(Buffer.from(creds.signedPreKey.keyPair.private))).toBe(true);
    expect([...(await again.state.keys.get('session', ['628111.0']))['628111.0']!]).toEqual([1, 2, 3, 4]);
    expect((await again.state.keys.get('lid-mapping', ['628111']))['628111']).toBe('150000000000001');
    expect((await again.state.keys.get('device-list', ['628111']))['628111']).toEqual(['0', '12']);
    expect((await again.state.keys.get('tctoken', ['628111@s.whatsapp.net']))['628111@s.whatsapp.net']?.token.toString()).toBe('tok');
    expect((await again.state.keys.get('identity-key', ['628111.0']))['628111.0']?.length).toBe(33);
    const appKey = (await again.state.keys.get('app-state-sync-key', ['AAAA'])).AAAA;
    expect(appKey?.constructor.name).toBe('AppStateSyncKeyData');
    expect((await again.state.keys.get('app-state-sync-version', ['regular'])).regular?.hash.length).toBe(128);

    await again.state.keys.set({ session: { '628111.0': null } });
    const third = await loadAuthState(new PgWhatsAppAuthStore(db, Buffer.from(TEST_AUTH_KEY, 'hex'), account), log);
    expect(await third.state.keys.get('session', ['628111.0'])).toEqual({});
  });

  it('a batch is atomic: a failing write leaves none of it', async () => {
    const store = new PgWhatsAppAuthStore(db, Buffer.from(TEST_AUTH_KEY, 'hex'), account);
    await expect(store.writeKeys([{ type: 'session', id: 'ok-1', value: 'x' }, { type: 'session', id: 'x'.repeat(10), value: null }, { type: 'session', id: 'bad\u0000', value: 'y' }])).rejects.toThrow();
    expect(await store.readKeys('session', ['ok-1'])).toEqual(new Map());
  });

  it('the wrong WHATSAPP_AUTH_KEY is a clear start-up error', async () => {
    const right = new PgWhatsAppAuthStore(db, Buffer.from(TEST_AUTH_KEY, 'hex'), `${account}-k`);
    await right.writeCreds(JSON.stringify(initAuthCreds()));
    const wrong = new PgWhatsAppAuthStore(db, Buffer.alloc(32, 9), `${account}-k`);
    await expect(loadAuthState(wrong, log)).rejects.toThrow(WhatsAppAuthKeyError);
    await expect(loadAuthState(wrong, log)).rejects.toThrow(/WHATSAPP_AUTH_KEY does not decrypt/);
    await right.clear();
  });
});

describe('WhatsApp connection in the app', () => {
  it('pairs (QR at the admin endpoint, pairing code), restarts after 515, clears the session on 401, stops on 440; /readyz shows the state', async () => {
    const fake = new FakeWhatsApp();
    const app = await startWhatsAppApp({ WHATSAPP_PAIRING_NUMBER: '+62 811-0000-9999' }, { fake, open: false, authenticateAdmin: (h) => Promise.resolve(h === 'Bearer op' ? { userId: 'u1', name: 'Op', role: 'OPERATOR', agencyId: null, officerId: null } : h === 'Bearer admin' ? { userId: 'u2', name: 'A', role: 'ADMIN_INSTANSI', agencyId: 'x', officerId: null } : null) });
    try {
      fake.current().emit('connection.update', { qr: '2@fakeQrRef,fakeNoise,fakeIdentity,fakeAdv' });
      await new Promise((r) => setImmediate(r));
      expect(app.whatsapp!.runtime.state()).toMatchObject({ phase: 'pairing', qrWaiting: true });
      expect(fake.pairingRequests).toEqual(['6281100009999']);
      expect((await app.http!.inject({ url: '/api/admin/whatsapp/qr.png' })).statusCode).toBe(401);
      expect((await app.http!.inject({ url: '/api/admin/whatsapp/qr.png', headers: { authorization: 'Bearer admin' } })).statusCode).toBe(403);
      const png = await app.http!.inject({ url: '/api/admin/whatsapp/qr.png', headers: { authorization: 'Bearer op' } });
      expect(png.statusCode).toBe(200);
      expect(png.headers['content-type']).toBe('image/png');
      expect(png.rawPayload.subarray(1, 4).toString()).toBe('PNG');

      fake.close(515);
      await new Promise((r) => setImmediate(r));
      expect(fake.sockets.length).toBe(2);
      fake.open();
      await new Promise((r) => setImmediate(r));
      const ready = await app.http!.inject({ url: '/readyz' });
      expect(ready.json()).toMatchObject({ details: { whatsapp: { phase: 'open', qrWaiting: false } } });

      fake.close(428);
      await new Promise((r) => setImmediate(r));
      expect(app.whatsapp!.runtime.state()).toMatchObject({ phase: 'reconnecting', attempts: 1, lastDisconnect: { statusCode: 428, decision: 'reconnect' } });
      expect(app.timers.length).toBe(1);
      app.timers.shift()!.run();
      fake.open();
      await new Promise((r) => setImmediate(r));
      expect(app.whatsapp!.runtime.state()).toMatchObject({ phase: 'open', attempts: 0 });

      await app.whatsapp!.authStore.writeCreds('{"x":1}');
      fake.close(401);
      await eventually(() => Promise.resolve(app.alerts.some((a) => a.kind === 'logged-out')));
      expect(await app.whatsapp!.authStore.countKeys()).toBeLessThanOrEqual(1);
      expect(fake.sockets.length).toBe(4);

      fake.open();
      await new Promise((r) => setImmediate(r));
      const before = fake.sockets.length;
      fake.close(440);
      await new Promise((r) => setImmediate(r));
      expect(app.whatsapp!.runtime.state().phase).toBe('stopped');
      expect(app.alerts.at(-1)).toMatchObject({ kind: 'stopped' });
      expect(fake.sockets.length).toBe(before);
      expect(app.timers.length).toBe(0);
    } finally {
      await app.dispose();
    }
  });
});

async function eventually(check: () => Promise<boolean>) {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
}
