/**
 * A world for multi-process tests: a database (migrated and seeded once, before any process starts),
 * a Redis prefix, the environment every spawned Aduan process gets, and citizens that talk to a web
 * process over real HTTP (or to an in-process app) through the web chat contract.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { projectRoot } from '../../src/app.js';
import type { WebchatPost } from '../../src/channels/webchat/inbound.js';
import type { OutboundMessage } from '../../src/domain/index.js';
import type { InboundOutcome } from '../../src/services/handle-inbound.js';
import { describeDatabase, dropDatabase, ensureDatabase, migrateDatabase } from '../../src/store/database.js';
import { createDb, createPool, type Db, type Pool } from '../../src/store/prisma.js';
import { applySeed, readSeed } from '../../src/store/seed.js';
import { Citizen } from '../../bench/citizen.js';
import { Rng } from '../../bench/stats.js';
import { freePort } from './processes.js';

export { Citizen, Rng };

export interface World {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  db: Db;
  pool: Pool;
  /** The environment of a spawned Aduan process (add PORT for a web role). */
  env: (extra?: Record<string, string>) => Record<string, string>;
  close: () => Promise<void>;
}

/** Creates `aduan_proc_<random>` on `serverUrl`'s server, migrates and seeds it. */
export async function prepareWorld(options: { serverUrl: string; redisUrl: string; prefix?: string; extraEnv?: Record<string, string> }): Promise<World> {
  const url = new URL(options.serverUrl);
  url.pathname = `/aduan_proc_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const databaseUrl = url.toString();
  const log = pino({ level: 'warn' });
  await ensureDatabase(describeDatabase(databaseUrl), log, 20_000);
  await migrateDatabase(databaseUrl, projectRoot, log);
  const pool = createPool(databaseUrl, () => undefined, { size: 4 });
  pool.on('error', () => undefined);
  const db = createDb(pool);
  await applySeed(db, await readSeed(`${projectRoot}/prisma/seed`));
  const prefix = options.prefix ?? `{aduanproc-${randomBytes(4).toString('hex')}}`;
  const media = `/tmp/aduan-proc-media-${process.pid}`;
  return {
    databaseUrl,
    redisUrl: options.redisUrl,
    prefix,
    db,
    pool,
    env: (extra = {}) => ({
      DATABASE_URL: databaseUrl,
      REDIS_URL: options.redisUrl,
      REDIS_PREFIX: prefix,
      MEDIA_DIR: media,
      WEBCHAT_RATE_LIMIT: '100000',
      WEBCHAT_IP_RATE_LIMIT: '100000',
      ...options.extraEnv,
      ...extra,
    }),
    close: async () => {
      await db.$disconnect().catch(() => undefined);
      await pool.end().catch(() => undefined);
      await dropDatabase(describeDatabase(databaseUrl)).catch(() => undefined);
    },
  };
}

export const webPort = freePort;

/** How a citizen's message reaches the service; returns what the bot answered to it. */
export type Transport = (body: WebchatPost) => Promise<InboundOutcome>;

const CODE = /\b[A-Z]{2,5}-[0-9A-Z]{4}-[0-9A-Z]{4}\b/;

/**
 * The web chat over HTTP, as the page uses it: POST (answered 202 after the message was handled),
 * then GET the bot's messages after this chat's cursor (also for a retried POST the service had
 * already handled: its replies are in the chat). A tracking code in a reply to the "send"
 * is the confirmation. A 503 (PostgreSQL or Redis away) throws with its status.
 */
export function httpTransport(baseUrl: () => string): Transport {
  const cursors = new Map<string, string>();
  return async (body) => {
    const posted = await fetch(`${baseUrl()}/api/webchat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer: unknown = await posted.json();
    if (posted.status !== 202) throw new HttpStatusError(posted.status, JSON.stringify(answer));
    const replies = await readMessages(baseUrl(), body.chatId, cursors);
    const code = replies.map((m) => CODE.exec(m.text)?.[0]).find(Boolean);
    return { kind: 'handled', replies, ...(code ? { trackingCode: code } : {}) };
  };
}

export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`HTTP ${status}: ${body}`);
  }
}

/** The bot's messages to a chat after the cursor kept in `cursors` (which is moved on). */
export async function readMessages(baseUrl: string, chatId: string, cursors = new Map<string, string>()): Promise<OutboundMessage[]> {
  const after = cursors.get(chatId);
  const query = new URLSearchParams({ chatId, ...(after ? { after } : {}) });
  const response = await fetch(`${baseUrl}/api/webchat/messages?${query.toString()}`);
  const body = (await response.json()) as { messages: { text: string; choices?: { id: string; label: string }[]; input?: string }[]; cursor: string | null };
  if (body.cursor) cursors.set(chatId, body.cursor);
  return body.messages.map((m) => ({ text: m.text, ...(m.choices ? { choices: m.choices } : {}), ...(m.input ? { input: m.input } : {}) }) as OutboundMessage);
}

/** Walks a citizen to the end through `transports`, taking them in turn message by message. */
export async function walkCitizen(citizen: Citizen, transports: readonly Transport[]): Promise<string | null> {
  let turn = 0;
  while (!citizen.done) {
    const transport = transports[turn++ % transports.length]!;
    citizen.read(await transport(citizen.next()));
  }
  return citizen.trackingCode;
}

/** Retries a message (same clientMessageId) while the service answers 503 or cannot be reached. */
export function retrying(transport: Transport, timeoutMs = 60_000): Transport {
  return async (body) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await transport(body);
      } catch (error) {
        const transient = (error instanceof HttpStatusError && error.status === 503) || error instanceof TypeError;
        if (!transient || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };
}
