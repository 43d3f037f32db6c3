/**
 * A fake Telegram Bot API behind grammY's `client.fetch`: records every call, answers like the Bot
 * API (getMe, sendMessage with increasing message ids, getFile, file downloads), and fails the
 * calls a test asks it to (429 with retry_after, 403 blocked, 401 for a bad token).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { createApp } from '../../src/app.js';
import { projectRoot } from '../../src/app.js';
import type { OutboxTiming, PaceRules } from '../../src/channels/telegram/index.js';
import type { Config } from '../../src/config.js';
import { deleteKeys, eventually, testConfig, type TestApp } from './app.js';

export const TEST_TOKEN = '900000001:AAH-test-token-for-aduan-0123456789';
export const BOT_USER = { id: 900000001, is_bot: true, first_name: 'Aduan', username: 'AduanTestBot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };

export interface Markup {
  inline_keyboard?: { text: string; callback_data: string }[][];
  keyboard?: { text: string; request_location?: boolean }[][];
}
export interface Sent {
  text: string;
  message_id: number;
  reply_markup?: Markup;
  reply_parameters?: { message_id: number };
}

export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
}
type Failure = { error_code: number; description: string; parameters?: Record<string, unknown> };

/** A minimal JPEG (the media store reads the type from the bytes). */
export const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffd9', 'hex');

export class FakeTelegram {
  readonly calls: ApiCall[] = [];
  private nextMessageId = 1000;
  private readonly failures: { method: string; chatId?: string; failure: Failure; times: number }[] = [];
  /** file_id → bytes served by getFile and the download URL. */
  readonly files = new Map<string, Buffer>();

  /** The next `times` calls of `method` (for `chatId`, if given) fail with `failure`. */
  fail(method: string, failure: Failure, options: { chatId?: string; times?: number } = {}): void {
    this.failures.push({ method, failure, times: options.times ?? 1, ...(options.chatId ? { chatId: options.chatId } : {}) });
  }

  /** Sent messages to one chat, in order. */
  sent(chatId: string): Sent[] {
    return this.calls
      .filter((c) => c.method === 'sendMessage' && String(c.payload.chat_id) === chatId && 'message_id' in c.payload)
      .map((c) => c.payload as unknown as Sent);
  }

  /** Updates handed out by getUpdates (long polling); an empty poll waits until the runner aborts it. */
  readonly updates: unknown[] = [];
  readonly fetch: typeof fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    if (url.endsWith('/getUpdates')) {
      this.calls.push({ method: 'getUpdates', payload: {} });
      const batch = this.updates.splice(0);
      if (batch.length) return Promise.resolve(json(200, { ok: true, result: batch }));
      return new Promise((resolve, reject) => {
        const poll = setInterval(() => {
          const next = this.updates.splice(0);
          if (next.length) {
            clearInterval(poll);
            resolve(json(200, { ok: true, result: next }));
          }
        }, 10);
        init?.signal?.addEventListener('abort', () => {
          clearInterval(poll);
          reject(new DOMException('aborted', 'AbortError'));
        });
      });
    }
    if (init?.body && typeof init.body !== 'string') return readBody(init.body).then((text) => this.respond(input, { ...init, body: multipartFields(text) }));
    return Promise.resolve(this.respond(input, init));
  };

  private respond(input: Parameters<typeof fetch>[0], init: Parameters<typeof fetch>[1]): Response {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    const download = /\/file\/bot[^/]+\/files\/(.+)$/.exec(url);
    if (download?.[1]) {
      const data = this.files.get(decodeURIComponent(download[1]));
      return data ? new Response(new Uint8Array(data), { status: 200, headers: { 'content-length': String(data.length) } }) : new Response('not found', { status: 404 });
    }
    const method = /\/bot[^/]+\/(\w+)$/.exec(url)?.[1] ?? 'unknown';
    const payload = (typeof init?.body === 'string' && init.body ? JSON.parse(init.body) : {}) as Record<string, unknown>;
    const call: ApiCall = { method, payload };
    this.calls.push(call);
    const failing = this.failures.find((f) => f.method === method && f.times > 0 && (!f.chatId || f.chatId === String(payload.chat_id)));
    if (failing) {
      failing.times -= 1;
      return json(failing.failure.error_code, { ok: false, ...failing.failure });
    }
    return json(200, { ok: true, result: this.answer(method, payload, call) });
  };

  private answer(method: string, payload: Record<string, unknown>, call: ApiCall): unknown {
    switch (method) {
      case 'getMe':
        return BOT_USER;
      case 'sendMessage': {
        const message_id = this.nextMessageId++;
        call.payload = { ...payload, message_id };
        return { message_id, date: 1795000000, chat: { id: Number(payload.chat_id), type: 'private' }, from: BOT_USER, text: payload.text };
      }
      case 'sendPhoto':
      case 'sendDocument': {
        const message_id = this.nextMessageId++;
        call.payload = { ...payload, message_id };
        return { message_id, date: 1795000000, chat: { id: Number(payload.chat_id), type: 'private' }, from: BOT_USER };
      }
      case 'createForumTopic':
        return { message_thread_id: this.nextMessageId++, name: payload.name, icon_color: 7322096 };
      case 'getFile': {
        const fileId = String(payload.file_id);
        const data = this.files.get(fileId);
        return { file_id: fileId, file_unique_id: `u-${fileId}`, ...(data ? { file_size: data.length } : {}), file_path: `files/${fileId}` };
      }
      default:
        return true;
    }
  }
}

/** grammY uploads files as a multipart stream: collect it. */
async function readBody(body: unknown): Promise<string> {
  if (typeof body === 'object' && body !== null && Symbol.asyncIterator in body) {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString('latin1');
  }
  return new Response(body as ConstructorParameters<typeof Response>[0]).text();
}

/** The fields of a multipart body as JSON (a file field becomes { filename, bytes }). */
function multipartFields(text: string): string {
  const fields: Record<string, unknown> = {};
  for (const part of text.split(/--[^\r\n]+\r\n/)) {
    const name = /name="([^"]+)"/.exec(part)?.[1];
    if (!name) continue;
    const value = part.slice(part.indexOf('\r\n\r\n') + 4).replace(/\r\n(--[^\r\n]*--)?\r?\n?$/, '');
    const filename = /filename="([^"]*)"/.exec(part)?.[1];
    fields[name] = filename !== undefined ? { filename, bytes: Buffer.byteLength(value, 'latin1') } : /^-?\d+$/.test(value) ? Number(value) : value;
  }
  return JSON.stringify(fields);
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** Hand-fired timers: the album wait fires when the test says so. */
export class ManualScheduler {
  private pending: { run: () => void; cancelled: boolean }[] = [];
  readonly schedule = (run: () => void) => {
    const entry = { run, cancelled: false };
    this.pending.push(entry);
    return { cancel: () => void (entry.cancelled = true) };
  };
  fire(): void {
    const due = this.pending.filter((p) => !p.cancelled);
    this.pending = [];
    for (const entry of due) entry.run();
  }
}

/** A fixture update with its chat/sender replaced and a fresh update_id. */
let updateSeq = 0;
export const nextMessageId = () => 50_000 + updateSeq++;
export type Update = { update_id: number; message?: Record<string, unknown> } & Record<string, unknown>;
export function fixture(name: string, chatId: string, replace: Record<string, string> = {}): Update {
  let raw = readFileSync(join(projectRoot, 'test', 'fixtures', 'telegram', `${name}.json`), 'utf8').replaceAll('700000001', chatId);
  for (const [from, to] of Object.entries(replace)) raw = raw.replaceAll(from, to);
  const update = JSON.parse(raw) as Update;
  // Every fixture is a new message (the inbound de-duplication keys on chat and message_id).
  return { ...update, update_id: nextUpdateId(), ...(update.message ? { message: { ...update.message, message_id: nextMessageId() } } : {}) };
}
export function albumFixture(chatId: string): Update[] {
  const raw = readFileSync(join(projectRoot, 'test', 'fixtures', 'telegram', 'album.json'), 'utf8').replaceAll('700000001', chatId);
  return (JSON.parse(raw) as Update[]).map((u) => ({ ...u, update_id: nextUpdateId(), message: { ...u.message, message_id: nextMessageId() } }));
}
export const nextUpdateId = () => 100_000 + Math.floor(Math.random() * 1_000_000_000) + updateSeq++;

/** Tests of other behaviour feed updates faster than a person: pacing has its own test (TELEGRAM_PACE). */
export const LOOSE_PACE: PaceRules = { private: { intervalMs: 1, burst: 10_000 }, group: { intervalMs: 1, burst: 10_000 } };

export interface TelegramTestApp extends TestApp {
  fake: FakeTelegram;
  albums: ManualScheduler;
  /** Waits until telegram-in, then telegram-out, have nothing waiting, delayed or active. */
  settle: () => Promise<void>;
}

export async function startTelegramApp(overrides: Partial<Record<keyof Config, string>> = {}, options: { fake?: FakeTelegram; now?: () => Date; inboxBackoffMs?: number; pace?: PaceRules; outbox?: OutboxTiming } = {}): Promise<TelegramTestApp> {
  const config = testConfig({ TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: 'test-secret-0123456789abcdef', ...overrides });
  const fake = options.fake ?? new FakeTelegram();
  const albums = new ManualScheduler();
  // With TELEGRAM_API_ROOT the app talks HTTP to that server instead of the in-memory fake.
  const app = await createApp({ config, role: 'all', log: pino({ level: config.LOG_LEVEL }), telegram: { ...(overrides.TELEGRAM_API_ROOT ? {} : { fetch: fake.fetch }), ...(options.outbox ? { outbox: options.outbox } : {}), scheduler: albums.schedule, pace: options.pace ?? LOOSE_PACE, ...(options.inboxBackoffMs ? { inboxBackoffMs: options.inboxBackoffMs } : {}) }, ...(options.now ? { now: options.now } : {}) });
  const { queue, inbox } = app.telegram!.runtime;
  const drained = (q: typeof queue, what: string) =>
    eventually(async () => {
      const counts = await q.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children');
      return Object.values(counts).every((n) => n === 0);
    }, what);
  // Updates first (their handling queues the replies), then the replies.
  const settle = async () => {
    await drained(inbox, 'the telegram inbox to drain');
    await drained(queue, 'the telegram outbox to drain');
  };
  return {
    ...app,
    prefix: config.REDIS_PREFIX,
    config,
    fake,
    albums,
    settle,
    dispose: async () => {
      await app.close();
      await deleteKeys(config.REDIS_URL, config.REDIS_PREFIX);
    },
  };
}

/** One citizen in a private chat: each action feeds an update, waits for the outbox, returns the new bot messages. */
export class TelegramCitizen {
  private seen = 0;
  lastCallbackId = '';
  constructor(readonly app: TelegramTestApp, readonly chatId = String(700_000_000 + Math.floor(Math.random() * 90_000_000))) {}

  async feed(update: unknown): Promise<Sent[]> {
    await this.app.telegram!.runtime.handleUpdate(update);
    return this.news();
  }
  async news() {
    await this.app.settle();
    const all = this.app.fake.sent(this.chatId);
    const fresh = all.slice(this.seen);
    this.seen = all.length;
    return fresh;
  }
  say(text: string) {
    return this.feed(fixture('text', this.chatId, { '"Halo"': JSON.stringify(text) }));
  }
  command(text: string) {
    const name = text.split(' ')[0]!;
    const update = fixture('text', this.chatId, { '"Halo"': JSON.stringify(text) });
    return this.feed({ ...update, message: { ...update.message, entities: [{ type: 'bot_command', offset: 0, length: name.length }] } });
  }
  press(data: string) {
    this.lastCallbackId = `cb${Math.random().toString(36).slice(2)}`;
    return this.feed(fixture('callback', this.chatId, { '"main.report"': JSON.stringify(data), '4382bfdwdsb323b2d9': this.lastCallbackId }));
  }
  /** The callback_data of the button whose label contains `label`, in the last message with buttons. */
  static button(messages: Sent[], label: string): string {
    const keyboard = [...messages].reverse().find((m) => m.reply_markup?.inline_keyboard)?.reply_markup?.inline_keyboard;
    const found = keyboard?.flat().find((b) => b.text.toLowerCase().includes(label.toLowerCase()));
    if (!found) throw new Error(`no button "${label}" in ${JSON.stringify(keyboard)}`);
    return found.callback_data;
  }
}
