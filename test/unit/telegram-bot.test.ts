import Fastify from 'fastify';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { ApiHealth, createBot, createSendApi, initBot, startPolling, TelegramStartError } from '../../src/channels/telegram/bot.js';
import { TelegramReceiver } from '../../src/channels/telegram/receiver.js';
import { registerTelegramWebhook } from '../../src/channels/telegram/webhook.js';
import type { InboundMessage } from '../../src/domain/index.js';
import { Texts } from '../../src/engine/index.js';

const TOKEN = '900000001:AAH-test-token-for-aduan-0123456789';
const ME = { id: 900000001, is_bot: true, first_name: 'Aduan', username: 'AduanTestBot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
const reply = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A Bot API that answers per method; getUpdates hands out `updates` once, then waits until aborted. */
function fakeApi(answers: Record<string, () => Response>, updates: unknown[] = []) {
  const methods: string[] = [];
  const fetchFn: typeof fetch = (input, init) => {
    const method = /\/(\w+)$/.exec(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)?.[1] ?? '';
    methods.push(method);
    if (method === 'getUpdates') {
      const batch = updates.splice(0);
      if (batch.length) return Promise.resolve(reply(200, { ok: true, result: batch }));
      return new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    }
    return Promise.resolve((answers[method] ?? (() => reply(200, { ok: true, result: true })))());
  };
  return { fetch: fetchFn, methods };
}

function logSpy() {
  const lines: { level: number; msg: string }[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
  return { log, lines };
}

describe('bot start-up', () => {
  it('a refused token stops start-up with one clear line', async () => {
    const api = fakeApi({ getMe: () => reply(401, { ok: false, error_code: 401, description: 'Unauthorized' }) });
    const { log } = logSpy();
    const bot = createBot({ token: TOKEN, fetch: api.fetch, log, onUpdate: () => Promise.resolve() });
    const started = initBot(bot, log, { setCommands: true });
    await expect(started).rejects.toBeInstanceOf(TelegramStartError);
    await expect(started).rejects.toThrow('TELEGRAM_BOT_TOKEN was refused by the Bot API (401 Unauthorized): check the token from @BotFather');
    expect(api.methods).toEqual(['getMe']);
  });

  it('setMyCommands and deleteWebhook failing are logged and do not stop the bot; polling hands updates on', async () => {
    const fail = () => reply(500, { ok: false, error_code: 500, description: 'Internal Server Error' });
    const update = { update_id: 1, message: { message_id: 5, date: 1795000000, chat: { id: 42, type: 'private' }, from: { id: 42, is_bot: false, first_name: 'A' }, text: 'halo' } };
    const api = fakeApi({ getMe: () => reply(200, { ok: true, result: ME }), setMyCommands: fail, deleteWebhook: fail }, [update]);
    const { log, lines } = logSpy();
    const handled: InboundMessage[] = [];
    const handle = vi.fn((message: InboundMessage) => {
      handled.push(message);
      return Promise.resolve({ kind: 'handled' as const, replies: [] });
    });
    const receiver = new TelegramReceiver({
      handle,
      send: () => Promise.resolve(),
      answerCallback: () => Promise.resolve(true),
      download: () => Promise.resolve({ ok: false, reason: 'failed', detail: 'unused' }),
      saveFile: () => Promise.resolve({ ok: false, reason: 'unknown-type', mimeType: 'x' }),
      records: { findSentCode: () => Promise.resolve(null), markUnreachable: () => Promise.resolve(), clearUnreachable: () => Promise.resolve() },
      texts: new Texts(new Map()),
      language: 'id',
      maxFileBytes: 1024,
      log,
      now: () => new Date('2026-11-23T08:00:00Z'),
      scheduler: () => ({ cancel: () => undefined }),
    });
    const bot = createBot({ token: TOKEN, fetch: api.fetch, log, onUpdate: (u) => receiver.process(u) });
    await initBot(bot, log, { setCommands: true });
    const runner = await startPolling(bot, log);
    await vi.waitFor(() => expect(handled).toHaveLength(1));
    await runner.stop();
    expect(handled[0]).toMatchObject({ chatId: '42', platformMessageId: '42:5', content: { kind: 'text', text: 'halo' } });
    expect(api.methods.slice(0, 4)).toEqual(['getMe', 'setMyCommands', 'deleteWebhook', 'getUpdates']);
    expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual(['setMyCommands failed; continuing without the command menu', 'deleteWebhook failed; polling anyway']);
  });
});

describe('webhook route', () => {
  const secret = 'webhook-secret-0123456789';
  function server(enqueue: (u: { update_id: number }) => Promise<boolean>) {
    const app = Fastify();
    registerTelegramWebhook(app, { secret, enqueue });
    const post = (body: unknown, key = secret) => app.inject({ method: 'POST', url: '/telegram/webhook', payload: body as object, headers: { 'x-telegram-bot-api-secret-token': key } });
    return { app, post };
  }

  it('checks the secret, queues each update_id once and answers at once', async () => {
    const queued = new Set<number>();
    const { post } = server((u) => Promise.resolve(queued.has(u.update_id) ? false : (queued.add(u.update_id), true)));
    expect((await post({ update_id: 7 }, 'webhook-secret-012345678X')).statusCode).toBe(401);
    expect(queued.size).toBe(0);
    expect((await post({ update_id: 7 })).json()).toEqual({ ok: true });
    expect((await post({ update_id: 7 })).json()).toEqual({ ok: true, duplicate: true });
    expect([...queued]).toEqual([7]);
  });

  it('answers 503 when the update cannot be queued, so Telegram re-sends it', async () => {
    let fail = true;
    const { post } = server(() => (fail ? Promise.reject(new Error('redis down')) : Promise.resolve(true)));
    expect((await post({ update_id: 8 })).statusCode).toBe(503);
    fail = false;
    expect((await post({ update_id: 8 })).statusCode).toBe(200);
  });

  it('ignores a body that is not an update', async () => {
    const { post } = server(() => Promise.reject(new Error('not called')));
    expect((await post({ hello: 1 })).json()).toEqual({ ok: true, ignored: true });
  });
});

describe('Bot API health for /metrics', () => {
  it('is 1 while the API answers (4xx but 401 included) and 0 after a 5xx, a 401 or a network error', async () => {
    const answers: (() => Response)[] = [
      () => reply(500, { ok: false, error_code: 500, description: 'Internal Server Error' }),
      () => reply(200, { ok: true, result: { message_id: 1, date: 0, chat: { id: 1, type: 'private' } } }),
      () => reply(403, { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' }),
      () => reply(429, { ok: false, error_code: 429, description: 'Too Many Requests', parameters: { retry_after: 1 } }),
      () => reply(401, { ok: false, error_code: 401, description: 'Unauthorized' }),
      () => {
        throw new TypeError('fetch failed');
      },
    ];
    const api = createSendApi({ token: TOKEN, fetch: () => Promise.resolve().then(() => answers.shift()!()), timeoutMs: 5_000 });
    const health = new ApiHealth();
    health.watch(api);
    const states: number[] = [health.state()];
    for (let i = 0; i < 6; i++) {
      await api.sendMessage(1, 'x').catch(() => undefined);
      states.push(health.state());
    }
    expect(states).toEqual([1, 0, 1, 1, 1, 0, 0]);
  });
});
