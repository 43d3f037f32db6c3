/**
 * Fuzzing the edges: thousands of random and malformed inputs through the web chat HTTP API, the
 * Telegram webhook (update parsing and the handler) and the engine (random answers in real
 * conversations). Seeded (FUZZ_SEED, printed) so a failure reproduces; FUZZ_ROUNDS scales it.
 *
 * Rules checked: no 5xx, no unhandled rejection, the process keeps going; a well-formed message is
 * answered (at least one reply) or recognised as a duplicate; afterwards the database is consistent:
 * every tracking code the bot showed has one Submission and, once the workers are idle, one
 * Complaint; no Complaint without its Submission; no CREATED event twice.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toInbound, type WebchatPost } from '../../src/channels/webchat/inbound.js';
import { projectRoot } from '../../src/app.js';
import { Rng } from '../../bench/stats.js';
import { eventually } from '../helpers/app.js';
import { startTelegramApp, type TelegramTestApp } from '../helpers/telegram.js';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000_007);
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 1);
const rng = new Rng(SEED);

const WORDS = ['halo', 'batal', 'kembali', 'bantuan', 'bahasa', 'menu', '1', '2', '99', '0', '-1', 'ya', 'tidak', 'lewati', 'kirim', 'hari ini', 'kemarin', '31/02/2026', '23/11/2099', 'cek ADU-0000-0000', 'status adu7kq2m9xd', 'ADU-', '🙂🔥', 'مرحبا بالعالم', 'שלום', '\u202Eabc', '\u0000', ' ', '', 'Jl. Kawi No. 24, Klojen', "'; DROP TABLE \"Complaint\"; --", '<script>alert(1)</script>', '%s%n', '{{code}}'];

function randomString(maxLength: number): string {
  const length = rng.int(0, maxLength);
  let out = '';
  for (let i = 0; i < length; i++) out += rng.chance(0.8) ? String.fromCharCode(rng.int(32, 126)) : String.fromCodePoint(rng.int(0x80, 0x1faff));
  return out;
}

function randomText(): string {
  if (rng.chance(0.02)) return 'x'.repeat(rng.int(4001, 100_000));
  if (rng.chance(0.5)) return rng.pick(WORDS);
  if (rng.chance(0.3)) return `${rng.pick(WORDS)} ${randomString(40)}`;
  return randomString(300);
}

/** A random JSON value, nested up to `depth`. */
function randomValue(depth = 2): unknown {
  const kind = rng.int(0, depth > 0 ? 7 : 4);
  switch (kind) {
    case 0: return null;
    case 1: return rng.chance(0.5);
    case 2: return rng.chance(0.5) ? rng.int(-1e9, 1e9) : rng.next() * 1e6;
    case 3: return randomText();
    case 4: return rng.pick([Number.MAX_SAFE_INTEGER, -0, 1e308, '', '0']);
    case 5: return Array.from({ length: rng.int(0, 4) }, () => randomValue(depth - 1));
    default: return Object.fromEntries(Array.from({ length: rng.int(0, 4) }, () => [rng.pick(['chatId', 'text', 'choice', 'location', 'command', 'clientMessageId', 'latitude', 'longitude', randomString(8)]), randomValue(depth - 1)]));
  }
}

const validChatId = () => `fuzz${Math.floor(rng.next() * 1e12).toString(36)}xxxxxxxxxxxx`.slice(0, 24);

/** A web chat body: mostly malformed, some well-formed. */
function randomWebchatBody(): unknown {
  const chatId = rng.chance(0.8) ? validChatId() : randomValue(0);
  switch (rng.int(0, 6)) {
    case 0: return randomValue(3);
    case 1: return { chatId, text: randomText() };
    case 2: return { chatId, choice: rng.chance(0.5) ? randomString(30) : `type.${randomString(6)}` };
    case 3: return { chatId, location: { latitude: rng.next() * 400 - 200, longitude: rng.next() * 400 - 200, ...(rng.chance(0.5) ? { address: randomText() } : {}) } };
    case 4: return { chatId, command: rng.pick(['start', 'report', 'status', 'help', 'language', 'cancel', 'back', 'menu', 'rm -rf', '']) };
    case 5: return { chatId, text: randomText(), choice: 'both', clientMessageId: randomValue(0) };
    default: return { ...(randomValue(1) as object), chatId };
  }
}

const fixtures = ['text', 'callback', 'command', 'location', 'venue', 'sticker', 'edited', 'reply-to', 'start-deeplink', 'supergroup', 'blocked', 'document-too-big'].map(
  (name) => readFileSync(`${projectRoot}/test/fixtures/telegram/${name}.json`, 'utf8'),
);

/** A Telegram update: a real fixture with random fields replaced or dropped, or noise. */
function randomUpdate(updateId: number): unknown {
  if (rng.chance(0.1)) return randomValue(3);
  const update = JSON.parse(rng.pick(fixtures).replaceAll('700000001', String(rng.int(1, 2 ** 40)))) as Record<string, unknown>;
  update.update_id = rng.chance(0.95) ? updateId : randomValue(0);
  const mutate = (node: Record<string, unknown>, depth: number) => {
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (rng.chance(0.08)) delete node[key];
      else if (rng.chance(0.1)) node[key] = key === 'text' ? randomText() : randomValue(1);
      else if (value && typeof value === 'object' && !Array.isArray(value) && depth < 4) mutate(value as Record<string, unknown>, depth + 1);
    }
  };
  mutate(update, 0);
  return update;
}

describe(`fuzz: random and malformed input (seed ${SEED})`, { timeout: 240_000 }, () => {
  let app: TelegramTestApp;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);

  beforeAll(async () => {
    console.log(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} to replay)`);
    process.on('unhandledRejection', onRejection);
    app = await startTelegramApp({ WEBCHAT_RATE_LIMIT: '1000000', WEBCHAT_IP_RATE_LIMIT: '1000000', LOOKUP_LIMIT: '1000000' });
  });
  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    await app?.dispose();
  });

  it('answers every malformed web chat request with a 4xx, never a 5xx', async () => {
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1500 * ROUNDS; i++) {
      const body = randomWebchatBody();
      const raw = rng.chance(0.05) ? randomString(200) : JSON.stringify(body);
      const response = await app.http!.inject({ method: 'POST', url: '/api/webchat/messages', payload: raw, headers: { 'content-type': rng.chance(0.95) ? 'application/json' : 'text/plain' } });
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      expect(response.statusCode, `body ${raw.slice(0, 300)} → ${response.body.slice(0, 300)}`).toBeLessThan(500);
      if (i % 10 === 0) {
        const read = await app.http!.inject({ method: 'GET', url: `/api/webchat/messages?${new URLSearchParams({ chatId: String(randomValue(0)), after: randomString(20) }).toString()}` });
        expect(read.statusCode).toBeLessThan(500);
      }
    }
    console.log(`web chat statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(statuses.get(202) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
  });

  it('handles thousands of mutated Telegram updates without a 5xx or a crash', async () => {
    const secret = app.config.TELEGRAM_WEBHOOK_SECRET!;
    let updateId = 10_000_000 + rng.int(0, 1_000_000);
    for (let i = 0; i < 1500 * ROUNDS; i++) {
      const update = randomUpdate(updateId++);
      const response = await app.http!.inject({ method: 'POST', url: '/telegram/webhook', payload: JSON.stringify(update), headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret } });
      expect(response.statusCode, `update ${JSON.stringify(update).slice(0, 400)} → ${response.body.slice(0, 300)}`).toBeLessThan(500);
    }
    await app.settle();
  });

  it('answers every well-formed message in random conversations, and leaves the database consistent', async () => {
    const codes = new Set<string>();
    let duplicates = 0;
    // Other files' fixtures insert complaints directly (no submission): count orphans against those already there.
    const orphanCount = async () => Number((await app.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "Complaint" c LEFT JOIN "Submission" s ON s."trackingCode" = c."trackingCode" WHERE s."trackingCode" IS NULL`)[0]?.n ?? 0);
    const orphansBefore = await orphanCount();
    const chats = Array.from({ length: 20 }, () => ({ chatId: validChatId(), last: [] as { id: string }[] }));
    for (let i = 0; i < 1200 * ROUNDS; i++) {
      const chat = rng.pick(chats);
      // Half the time a choice the bot offered (so forms advance and get sent), otherwise anything.
      const offered = chat.last;
      const body: WebchatPost = offered.length > 0 && rng.chance(0.5) ? { chatId: chat.chatId, choice: rng.pick(offered).id } : { chatId: chat.chatId, text: randomText().slice(0, 4000) || 'halo' };
      const replay = rng.chance(0.05);
      const message = toInbound({ ...body, clientMessageId: replay ? 'replayed' : `m${i}` }, new Date());
      const outcome = await app.handle(message);
      if (outcome.kind === 'duplicate') {
        duplicates++;
        continue;
      }
      expect(outcome.replies.length, `no reply to ${JSON.stringify(body).slice(0, 200)}`).toBeGreaterThan(0);
      chat.last = outcome.replies.findLast((r) => r.choices?.length)?.choices ?? [];
      if (outcome.trackingCode) codes.add(outcome.trackingCode);
    }
    console.log(`fuzz conversations: ${codes.size} complaints sent, ${duplicates} replays recognised`);
    expect(duplicates).toBeGreaterThan(0);

    const list = [...codes];
    expect(await app.db.submission.count({ where: { trackingCode: { in: list } } })).toBe(list.length);
    await eventually(async () => (await app.db.complaint.count({ where: { trackingCode: { in: list } } })) === list.length, 'every sent complaint stored', 60_000);
    expect(await orphanCount()).toBe(orphansBefore);
    const doubled = await app.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM (SELECT "complaintId" FROM "ComplaintEvent" WHERE type = 'CREATED' GROUP BY "complaintId" HAVING count(*) > 1) d`;
    expect(Number(doubled[0]?.n ?? 0)).toBe(0);
    expect(rejections).toEqual([]);
  });
});
