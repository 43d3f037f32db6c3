/**
 * A fake WhatsApp at the socket edge: each socket is built on Baileys' own makeEventBuffer (a real
 * BaileysEventEmitter), sendMessage records what the bot sends and answers like Baileys (a key
 * with an id, the message proto), media downloads come from a map. Fixtures are real WAMessage
 * shapes from test/fixtures/whatsapp/, with the sender's JIDs and message id replaced.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeEventBuffer } from '@whiskeysockets/baileys';
import type { Queue } from 'bullmq';
import pino from 'pino';
import { createApp, projectRoot } from '../../src/app.js';
import type { Alert, SocketFactory, WaSocket } from '../../src/channels/whatsapp/index.js';
import type { Config } from '../../src/config.js';
import type { AuthenticateAdmin } from '../../src/services/admin-principal.js';
import { deleteKeys, eventually, testConfig, type TestApp } from './app.js';
import { LOOSE_PACE, ManualScheduler, TEST_TOKEN, type FakeTelegram, type TelegramTestApp } from './telegram.js';

export const TEST_AUTH_KEY = 'a'.repeat(64);
const silent = pino({ level: 'silent' });

export interface SentWa {
  jid: string;
  /** The text, or a file's caption. */
  text: string;
  id: string;
  /** What the bot handed to sendMessage (text, or image / video / audio / document with its bytes). */
  content: SentContent;
}
export interface SentContent {
  text?: string;
  caption?: string;
  mimetype?: string;
  fileName?: string;
  image?: Buffer;
  video?: Buffer;
  audio?: Buffer;
  document?: Buffer;
}

/** The proto Baileys hands back for a sent content (media fields as WhatsApp fills them in, minus the upload). */
function protoOf(content: SentContent): Record<string, unknown> {
  const media = { ...(content.caption ? { caption: content.caption } : {}), mimetype: content.mimetype, url: 'https://mmg.whatsapp.net/fake', mediaKey: Buffer.from('fake-media-key') };
  if (content.image) return { imageMessage: media };
  if (content.video) return { videoMessage: media };
  if (content.audio) return { audioMessage: { mimetype: content.mimetype, url: media.url, mediaKey: media.mediaKey } };
  if (content.document) return { documentMessage: { ...media, fileName: content.fileName } };
  return { extendedTextMessage: { text: content.text ?? '' } };
}

export class FakeWhatsApp {
  readonly sockets: (WaSocket & { emit: (event: string, data: unknown) => void; ended: boolean })[] = [];
  readonly sent: SentWa[] = [];
  readonly lidToPn = new Map<string, string>();
  readonly media = new Map<string, Buffer>();
  pairingRequests: string[] = [];
  private seq = 0;
  /** Message ids are unique across test apps sharing the database, as WhatsApp's are. */
  private readonly idPrefix = randomBytes(4).toString('hex').toUpperCase();
  /** The next send fails with this Boom-like status. */
  failNext: number | null = null;

  /** The getMessage the channel gave the last socket (Baileys calls it for retries). */
  getMessage: Parameters<SocketFactory>[0]['getMessage'] | null = null;
  readonly createSocket: SocketFactory = ({ getMessage }) => {
    this.getMessage = getMessage;
    const ev = makeEventBuffer(silent);
    const sock = {
      ev,
      ended: false,
      emit: (event: string, data: unknown) => void ev.emit(event as 'connection.update', data as never),
      sendMessage: async (jid: string, content: SentContent) => {
        await Promise.resolve();
        if (this.failNext !== null) {
          const status = this.failNext;
          this.failNext = null;
          throw Object.assign(new Error(`fake failure ${status}`), { output: { statusCode: status } });
        }
        const id = `BAE5${this.idPrefix}${(this.seq++).toString(16).toUpperCase().padStart(6, '0')}`;
        this.sent.push({ jid, text: content.text ?? content.caption ?? '', id, content });
        return { key: { remoteJid: jid, fromMe: true, id }, message: protoOf(content), messageTimestamp: 1795000000 };
      },
      requestPairingCode: (phone: string) => {
        this.pairingRequests.push(phone);
        return Promise.resolve('ABCD1234');
      },
      end: () => {
        sock.ended = true;
        return Promise.resolve();
      },
      updateMediaMessage: (m: unknown) => Promise.resolve(m),
      signalRepository: { lidMapping: { getPNForLID: (lid: string) => Promise.resolve(this.lidToPn.get(lid) ?? null) } },
    };
    this.sockets.push(sock as never);
    return sock as unknown as WaSocket;
  };

  readonly download = (raw: unknown): Promise<Buffer> => {
    const id = (raw as { key: { id: string } }).key.id;
    const data = this.media.get(id);
    return data ? Promise.resolve(data) : Promise.reject(new Error(`no media for ${id}`));
  };

  current() {
    const sock = this.sockets.at(-1);
    if (!sock) throw new Error('no socket yet');
    return sock;
  }
  open() {
    this.current().emit('connection.update', { connection: 'open' });
  }
  close(statusCode: number) {
    this.current().emit('connection.update', { connection: 'close', lastDisconnect: { error: Object.assign(new Error('closed'), { output: { statusCode } }), date: new Date() } });
  }
  deliver(message: unknown, type = 'notify') {
    this.current().emit('messages.upsert', { type, messages: [message] });
  }
  /** Texts the bot sent to a JID. */
  to(jid: string): SentWa[] {
    return this.sent.filter((s) => s.jid === jid);
  }
}

let idSeq = 0;
export const newMessageId = () => `3EB0${Date.now().toString(16).toUpperCase()}${(idSeq++).toString(16).toUpperCase()}`;

/** A person with a phone number and a LID, both random. */
export function newPerson() {
  const pnUser = `628${Math.floor(1e9 + Math.random() * 8e9)}`;
  const lidUser = `1${randomBytes(6).readUIntBE(0, 6).toString().padStart(14, '0')}`;
  return { pn: `${pnUser}@s.whatsapp.net`, lid: `${lidUser}@lid`, pnUser, lidUser };
}

/** A fixture with the person's JIDs, a fresh message id, and extra replacements. */
export function waFixture(name: string, person: { pn: string; lid: string }, replace: Record<string, string> = {}): Record<string, unknown> & { key: { id: string } } {
  let raw = readFileSync(join(projectRoot, 'test', 'fixtures', 'whatsapp', `${name}.json`), 'utf8')
    .replaceAll('6281100000001@s.whatsapp.net', person.pn)
    .replaceAll('150000000000001@lid', person.lid)
    .replaceAll('3EB0MSGID', newMessageId());
  for (const [from, to] of Object.entries(replace)) raw = raw.replaceAll(from, to);
  return JSON.parse(raw) as Record<string, unknown> & { key: { id: string } };
}

export interface WhatsAppTestApp extends TestApp {
  fake: FakeWhatsApp;
  alerts: Alert[];
  timers: { run: () => void; ms: number }[];
  settle: () => Promise<void>;
  /** With `options.telegram`: the same app seen as a Telegram test app (for TelegramCitizen). */
  telegramView: () => TelegramTestApp;
}

export async function startWhatsAppApp(overrides: Partial<Record<keyof Config, string>> = {}, options: { fake?: FakeWhatsApp; now?: () => Date; open?: boolean; authenticateAdmin?: AuthenticateAdmin; telegram?: FakeTelegram } = {}): Promise<WhatsAppTestApp> {
  const tg = options.telegram ? { TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: 'test-secret-0123456789abcdef' } : {};
  const config = testConfig({ WHATSAPP_ENABLED: 'true', WHATSAPP_AUTH_KEY: TEST_AUTH_KEY, WHATSAPP_CHAT_GAP_MS: '0', WHATSAPP_GLOBAL_PER_SECOND: '1000', ...tg, ...overrides });
  const albums = new ManualScheduler();
  const fake = options.fake ?? new FakeWhatsApp();
  const alerts: Alert[] = [];
  const timers: { run: () => void; ms: number }[] = [];
  const app = await createApp({
    config,
    role: 'all',
    log: pino({ level: config.LOG_LEVEL }),
    whatsapp: {
      createSocket: fake.createSocket,
      download: fake.download,
      onAlert: (alert) => alerts.push(alert),
      scheduler: (run, ms) => {
        const entry = { run, ms };
        timers.push(entry);
        return { cancel: () => void timers.splice(timers.indexOf(entry), 1) };
      },
    },
    // Short retry timings: a transient send failure on a busy CI machine settles in well under the drain bound.
    ...(options.telegram ? { telegram: { fetch: options.telegram.fetch, scheduler: albums.schedule, pace: LOOSE_PACE, outbox: { backoffMs: 100, holdRecheckMs: 50 } } } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.authenticateAdmin ? { authenticateAdmin: options.authenticateAdmin } : {}),
  });
  if (options.open !== false) fake.open();
  const drained = (queue: Pick<Queue, 'getJobCounts'>, what: string) =>
    eventually(async () => {
      const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children');
      return Object.values(counts).every((n) => n === 0);
    }, what, 30_000);
  // Telegram's inbox first (its handling queues replies on any channel), then both outboxes.
  const settle = async () => {
    if (app.telegram) await drained(app.telegram.runtime.inbox, 'the telegram inbox to drain');
    await app.whatsapp!.runtime.idle();
    await drained(app.whatsapp!.runtime.queue, 'the whatsapp outbox to drain');
    if (app.telegram) await drained(app.telegram.runtime.queue, 'the telegram outbox to drain');
  };
  const dispose = async () => {
    await app.close();
    await deleteKeys(config.REDIS_URL, config.REDIS_PREFIX);
  };
  const base = { ...app, prefix: config.REDIS_PREFIX, config, settle, dispose };
  return {
    ...base,
    fake,
    alerts,
    timers,
    telegramView: () => {
      if (!options.telegram) throw new Error('started without a fake Telegram');
      return { ...base, fake: options.telegram, albums };
    },
  };
}

/** One person in a private chat: each action delivers a message, waits for the outbox, returns the new bot texts. */
export class WhatsAppPerson {
  private seen = 0;
  readonly jids = newPerson();
  /** Which JID their messages come from: the LID with the phone number as Alt (v7 default), or one form only. */
  form: 'lid+pn' | 'pn' | 'lid' = 'lid+pn';
  constructor(readonly app: WhatsAppTestApp) {}

  get replyJid() {
    return this.form === 'pn' ? this.jids.pn : this.jids.lid;
  }
  fixture(name: string, replace: Record<string, string> = {}) {
    const message = waFixture(name, this.jids, replace) as { key: Record<string, unknown> };
    if (this.form === 'pn') message.key = { ...message.key, remoteJid: this.jids.pn, remoteJidAlt: null };
    if (this.form === 'lid') message.key = { ...message.key, remoteJidAlt: null };
    return message;
  }
  async feed(message: unknown): Promise<SentWa[]> {
    this.app.fake.deliver(message);
    return this.news();
  }
  async news(): Promise<SentWa[]> {
    await this.app.settle();
    const all = this.app.fake.sent.filter((s) => s.jid === this.jids.lid || s.jid === this.jids.pn);
    const fresh = all.slice(this.seen);
    this.seen = all.length;
    return fresh;
  }
  say(text: string) {
    return this.feed(this.fixture('text-lid', { '"Halo"': JSON.stringify(text) }));
  }
  /** Quotes a bot message (once its send is recorded: a person cannot quote what is still being sent). */
  async quote(text: string, quotedId: string) {
    await eventually(() => this.app.db.whatsAppSentMessage.findUnique({ where: { messageId: quotedId } }), `the record of sent message ${quotedId}`);
    return this.feed(this.fixture('extended-quoted', { '"Halo"': JSON.stringify(text), QUOTEDID: quotedId }));
  }
}
