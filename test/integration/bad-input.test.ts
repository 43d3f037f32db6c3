import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/domain/index.js';
import { expireIdleSessions } from '../../src/services/expiry.js';
import { describeDatabase, ensureDatabase } from '../../src/store/database.js';
import { PgSessionStore } from '../../src/store/sessions.js';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, startTestApp, testConfig, whileDatabaseRefuses, type TestApp } from '../helpers/app.js';
import { WebchatClient } from '../helpers/webchat-client.js';
import { storedSession } from '../helpers/sessions.js';

/** Smallest valid PNG: 1×1 transparent pixel. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

function multipart(fields: Record<string, string>, file?: { name: string; type: string; data: Buffer }) {
  const boundary = '----aduantest';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`));
    parts.push(file.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('bad input gets a clear answer and stores nothing wrong', () => {
  let app: TestApp;
  let clock = new Date('2026-11-23T03:00:00Z');
  beforeAll(async () => {
    app = await startTestApp({ now: () => clock, config: undefined });
  });
  afterAll(async () => {
    await app.dispose();
  });

  async function atDescription(): Promise<WebchatClient> {
    const client = new WebchatClient(app.http!);
    let m = await client.say({ command: 'report' });
    m = await client.say({ choice: WebchatClient.choice(m, 'Pengaduan') });
    m = await client.say({ choice: WebchatClient.choice(m, 'Pekerjaan Umum') });
    await client.say({ choice: WebchatClient.choice(m, 'Jalan Rusak') });
    return client;
  }

  it('re-prompts on empty text, 100 KB of text and unknown choice ids, keeping the step', async () => {
    const client = await atDescription();
    expect((await client.say('   '))[0]?.text).toMatch(/^Pesan kosong\./);
    const long = await client.say('a'.repeat(100_000));
    expect(long[0]?.text).toMatch(/^Terlalu panjang \(100000 karakter\)\. Maksimal 4000 karakter\./);
    expect((await client.say({ choice: 'description.nope' }))[0]?.text).toMatch(/^Pilihan itu tidak ada/);
    expect((await client.say({ choice: 'type.pengaduan' }))[0]?.text).toMatch(/^Pertanyaan ini sudah ditutup\./);
    expect((await storedSession(app.db, { channel: 'WEBCHAT', chatId: client.chatId }))?.state?.stepId).toBe('description');
  });

  it('accepts emoji and right-to-left text, counting characters as people do', async () => {
    const client = await atDescription();
    const text = '🚧🚧 جاده خراب است — jalan rusak parah di depan sekolah 🙏';
    const [reply] = await client.say(text);
    expect(reply?.text).toContain('Tulis judul singkat');
    expect((await storedSession(app.db, { channel: 'WEBCHAT', chatId: client.chatId }))?.state?.answers.description).toEqual({ kind: 'text', text });
  });

  it('rejects malformed requests with one line', async () => {
    const noChat = await app.http!.inject({ method: 'POST', url: '/api/webchat/messages', payload: { text: 'halo' } });
    expect(noChat.statusCode).toBe(400);
    expect(noChat.json<{ error: string }>().error).toMatch(/^chatId: /);
    const badJson = await app.http!.inject({ method: 'POST', url: '/api/webchat/messages', headers: { 'content-type': 'application/json' }, payload: '{"chatId":' });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json<{ message: string }>().message).toMatch(/JSON/);
    const badLocation = await app.http!.inject({ method: 'POST', url: '/api/webchat/messages', payload: { chatId: 'a'.repeat(20), location: { latitude: 200, longitude: 0 } } });
    expect(badLocation.statusCode).toBe(400);
  });

  it('answers a server fault with a 500 that names no file, statement or value', async () => {
    const client = new WebchatClient(app.http!);
    // A fault in PostgreSQL itself: this chat's new session is refused (not a connection problem, so not a 503).
    await whileDatabaseRefuses(app, { table: 'ConversationSession', on: 'INSERT', when: `NEW."chatId" = '${client.chatId}'` }, async () => {
      const res = await client.post({ command: 'start' });
      expect(res.status).toBe(500);
      expect(res.json).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
    });
  });

  it('stores a photo and binds it to the complaint; refuses unsupported types and files over the limit', async () => {
    const client = new WebchatClient(app.http!);
    const exe = multipart({ chatId: client.chatId }, { name: 'x.exe', type: 'application/octet-stream', data: Buffer.from('MZ\u0000\u0000 not really a program') });
    const refused = await app.http!.inject({ method: 'POST', url: '/api/webchat/media', ...exe });
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ error: string }>().error).toMatch(/^Jenis berkas .* tidak didukung/);

    const big = multipart({ chatId: client.chatId }, { name: 'big.png', type: 'image/png', data: Buffer.concat([PNG, Buffer.alloc(app.config.MEDIA_MAX_BYTES)]) });
    const tooBig = await app.http!.inject({ method: 'POST', url: '/api/webchat/media', ...big });
    expect(tooBig.statusCode).toBe(413);
    expect(await app.db.attachment.count({ where: { chatId: client.chatId } })).toBe(0);

    let m = await client.say({ command: 'report' });
    for (const label of ['Pengaduan', 'Pekerjaan Umum', 'Jalan Rusak']) m = await client.say({ choice: WebchatClient.choice(m, label) });
    m = await client.say('Lampu jalan mati total sepanjang Jl. Soekarno Hatta sejak seminggu.');
    await client.say({ choice: WebchatClient.choice(m, 'judul') });
    await client.say('hari ini');
    await client.say({ location: { latitude: -7.9425, longitude: 112.6212 } });
    const photo = multipart({ chatId: client.chatId }, { name: 'lampu.png', type: 'image/png', data: PNG });
    const uploaded = await app.http!.inject({ method: 'POST', url: '/api/webchat/media', ...photo });
    expect(uploaded.statusCode).toBe(202);
    expect((await client.read())[0]?.text).toMatch(/^Lampiran diterima \(1\/5\)/);
    m = await client.say('selesai');
    for (const label of ['Tidak tahu', 'Tidak', 'Tidak', 'Kirim']) m = await client.say({ choice: WebchatClient.choice(m, label) });
    const code = /\*(ADU-[0-9A-Z-]+)\*/.exec(m.at(-1)?.text ?? '')?.[1];
    const complaint = await eventually(() => app.db.complaint.findUnique({ where: { trackingCode: code! }, include: { attachments: true } }), 'complaint');
    expect(complaint.latitude).toBeCloseTo(-7.9425);
    expect(complaint.attachments).toHaveLength(1);
    expect(complaint.attachments[0]).toMatchObject({ mimeType: 'image/png', kind: 'photo', sizeBytes: PNG.length });
    expect(complaint.attachments[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a future incident date', async () => {
    const client = await atDescription();
    const m = await client.say('Sampah menumpuk di pinggir jalan dan tidak diangkut berhari-hari.');
    await client.say({ choice: WebchatClient.choice(m, 'judul') });
    expect((await client.say('30/11/2026'))[0]?.text).toMatch(/^Tanggal kejadian tidak boleh di masa depan\./);
  });

  it('tells a citizen whose session expired, with the clock moved past the idle limit', async () => {
    const client = await atDescription();
    clock = new Date(clock.getTime() + (app.config.SESSION_IDLE_MINUTES + 1) * 60_000);
    const [expired, menu] = await client.say('Jalan rusak parah sekali di depan rumah saya sejak lama');
    expect(expired?.text).toMatch(/^Sesi Anda sebelumnya berakhir karena tidak aktif lebih dari 60 menit/);
    expect(menu?.text).toMatch(/^Selamat datang/);
  });

  it('tells the citizen when an idle form expires, without waiting for their next message', async () => {
    const client = await atDescription();
    const finished = new WebchatClient(app.http!);
    await finished.say({ command: 'start' });
    const sessions = new PgSessionStore(app.db, app.pool);
    const deps = { sessions, sender: { send: (chat: { chatId: string }, messages: readonly OutboundMessage[]) => app.webchat.send(chat.chatId, messages) }, flows: app.flows, idleMinutes: app.config.SESSION_IDLE_MINUTES };
    await expireIdleSessions(deps, clock); // sessions of earlier tests may expire; this one is fresh
    expect(await client.read()).toEqual([]);
    // A minute past the limit it is left alone (a message that came just in time may be saving); five past, it ends.
    const justPast = new Date(clock.getTime() + (app.config.SESSION_IDLE_MINUTES + 1) * 60_000);
    await expireIdleSessions(deps, justPast);
    expect(await client.read()).toEqual([]);
    const later = new Date(clock.getTime() + (app.config.SESSION_IDLE_MINUTES + 5) * 60_000);
    expect(await expireIdleSessions(deps, later)).toBeGreaterThanOrEqual(1);
    expect((await client.read()).map((m) => m.text)).toEqual([expect.stringMatching(/^Sesi Anda sebelumnya berakhir/)]);
    const ended = await sessions.findSession({ channel: 'WEBCHAT', chatId: client.chatId });
    expect(ended?.state.flowId).toBeNull();
    // A second sweep says nothing more; a conversation left at the menu is never told, and is gone.
    expect(await expireIdleSessions(deps, later)).toBe(0);
    expect(await finished.read()).toEqual([]);
    expect(await app.db.conversationSession.findUnique({ where: { channel_chatId: { channel: 'WEBCHAT', chatId: finished.chatId } } })).toBeNull();
  });

  it('tells the other citizens whose forms expired when one of them cannot be told, and reports that one', async () => {
    const blocked = await atDescription();
    clock = new Date(clock.getTime() + 1_000); // the blocked chat's form runs out first
    const other = await atDescription();
    const failures: string[] = [];
    const deps = {
      sessions: new PgSessionStore(app.db, app.pool),
      sender: { send: (c: { chatId: string }, messages: readonly OutboundMessage[]) => (c.chatId === blocked.chatId ? Promise.reject(new Error('bot blocked')) : app.webchat.send(c.chatId, messages)) },
      flows: app.flows,
      idleMinutes: app.config.SESSION_IDLE_MINUTES,
      onSendFailure: (c: { chatId: string }) => void failures.push(c.chatId),
    };
    await expireIdleSessions(deps, new Date(clock.getTime() + (app.config.SESSION_IDLE_MINUTES + 5) * 60_000));
    expect(failures).toEqual([blocked.chatId]);
    expect((await other.read()).map((m) => m.text)).toEqual([expect.stringMatching(/^Sesi Anda sebelumnya berakhir/)]);
  });

  it('keeps a form whose row ran out under the old idle limit but not under a raised one, and says nothing', async () => {
    const client = await atDescription();
    const chat = { channel_chatId: { channel: 'WEBCHAT' as const, chatId: client.chatId } };
    const saved = await app.db.conversationSession.findUniqueOrThrow({ where: chat });
    // The operator raised SESSION_IDLE_MINUTES threefold; the sweep runs five minutes past the old limit.
    const raised = app.config.SESSION_IDLE_MINUTES * 3;
    const sessions = new PgSessionStore(app.db, app.pool);
    const deps = { sessions, sender: { send: (c: { chatId: string }, messages: readonly OutboundMessage[]) => app.webchat.send(c.chatId, messages) }, flows: app.flows, idleMinutes: raised };
    await expireIdleSessions(deps, new Date(clock.getTime() + (app.config.SESSION_IDLE_MINUTES + 5) * 60_000));
    expect(await client.read()).toEqual([]);
    const kept = await app.db.conversationSession.findUnique({ where: chat });
    // The same state: the stored text, and the columns it is read back with (language, last activity).
    expect(kept?.state).toEqual(saved.state);
    expect([kept?.language, kept?.updatedAt]).toEqual([saved.language, saved.updatedAt]);
    expect(kept?.version).toBe(saved.version + 1);
    expect(kept?.expiresAt).toEqual(new Date(clock.getTime() + raised * 60_000));
  });

  it('answers "coba lagi" and reports not ready when Redis is down, changing nothing', async () => {
    const client = await atDescription();
    const before = await app.db.conversationSession.findUnique({ where: { channel_chatId: { channel: 'WEBCHAT', chatId: client.chatId } } });
    app.redis.disconnect();
    try {
      const result = await client.post({ text: 'Jalan rusak parah sekali di depan rumah saya sejak lama' });
      expect(result.status).toBe(503);
      expect(result.json.message).toMatch(/^Maaf, sistem sedang sibuk\. Pesan Anda belum diproses/);
      const ready = await app.http!.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      const { checks } = ready.json<{ checks: Record<string, string> }>();
      expect(checks.postgres).toBe('ok');
      expect(checks.redis).toMatch(/^down/);
      const after = await app.db.conversationSession.findUnique({ where: { channel_chatId: { channel: 'WEBCHAT', chatId: client.chatId } } });
      expect(after?.version).toBe(before?.version);
    } finally {
      await app.redis.connect();
    }
    expect((await app.http!.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });
});

describe('a holiday file with a bad date', () => {
  it('stops start-up naming the file and the line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aduan-calendar-'));
    await writeFile(join(dir, '2026.yaml'), 'year: 2026\nholidays:\n  - { date: 2026-01-01, name: Tahun Baru }\n  - { date: 2026-02-30, name: Salah }\n');
    await expect(startTestApp({ config: testConfig({ CALENDAR_DIR: dir }) })).rejects.toThrow(/2026\.yaml:4: .*2026-02-30/);
  });
});

describe('PostgreSQL down at start', () => {
  it('retries, then stops with a clear error naming the server', async () => {
    const target = describeDatabase('postgresql://postgres@127.0.0.1:1/aduan');
    await expect(ensureDatabase(target, pino({ level: 'silent' }), 1_500)).rejects.toThrow(/^PostgreSQL at 127\.0\.0\.1:1\/aduan is not usable: .*ECONNREFUSED/);
  });
});

describe('web chat limits per client address', () => {
  it('slows down one address that makes up a new chat id for every message', async () => {
    const app = await startTestApp({ config: testConfig({ WEBCHAT_IP_RATE_LIMIT: '5' }) });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await new WebchatClient(app.http!).post({ text: 'cek ADU-0000-0000' })).status);
      expect(statuses).toEqual([202, 202, 202, 202, 202, 429, 429]);
    } finally {
      await app.dispose();
    }
  });
});
