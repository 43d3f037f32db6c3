/**
 * Outbound under conservative limits. `send` refuses chats that never wrote to the bot (recorded),
 * then queues one job per batch on `whatsapp-out`. The worker runs only in the process that holds
 * the socket: a global BullMQ limiter, a per-chat gap kept in Redis (default 1 s), parts of a batch
 * in order (progress = parts sent), the sent proto stored for getMessage and quoted replies.
 */
import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Language, OutboundMessage } from '../../domain/index.js';
import { KeyedSerialiser } from '../../services/keyed-serialiser.js';
import { SendError } from '../../services/ports.js';
import type { ChannelAdapter } from '../channel.js';
import { serialise } from './auth-state.js';
import { statusOf, type WaSocket } from './connection.js';
import type { RecentChoices } from './choices.js';
import { groupJidOf } from './jids.js';
import { planParts, toFileContent, type ReadFile } from './media-out.js';
import { logWorkerFailures } from '../../queue/worker-logs.js';

export const WHATSAPP_OUT_QUEUE = 'whatsapp-out';

const OutboundSchema = z.object({
  text: z.string(),
  choices: z.array(z.object({ id: z.string(), label: z.string() })).optional(),
  input: z.enum(['text', 'choice', 'date', 'location', 'media', 'yesno', 'summary']).optional(),
  media: z.array(z.object({ url: z.string(), mimeType: z.string(), name: z.string().optional(), attachmentId: z.uuid().optional() })).optional(),
  replyTo: z.string().optional(),
});
export const SendJobSchema = z.strictObject({ chatId: z.string().min(1).max(100), messages: z.array(OutboundSchema).min(1) });

export interface OutboxRecords {
  findContact(chatId: string): Promise<{ replyJid: string } | null>;
  findGroupAgency(groupJid: string): Promise<string | null>;
  recordRefused(chatId: string, reason: string): Promise<void>;
  saveSent(record: { messageId: string; jid: string; chatId: string; content: string; trackingCode: string | null }): Promise<void>;
}

/** Where a chat id is written to, or null when the bot may not write there (nobody wrote first). */
export async function findTarget(records: Pick<OutboxRecords, 'findContact' | 'findGroupAgency'>, chatId: string): Promise<string | null> {
  const group = groupJidOf(chatId);
  if (group) return (await records.findGroupAgency(group)) ? group : null;
  return (await records.findContact(chatId))?.replyJid ?? null;
}

/** A job id BullMQ accepts: no ':' and never purely numeric. */
export function jobIdOf(key: string): string {
  return `wa-${key.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

export class WhatsAppChannel implements ChannelAdapter {
  readonly channel = 'WHATSAPP' as const;

  constructor(private readonly queue: Queue, private readonly records: OutboxRecords, private readonly choices?: RecentChoices) {}

  /** Queues the batch; SendError not retryable when the chat never wrote first, retryable when the queue is down. */
  async send(chatId: string, messages: readonly OutboundMessage[], key?: string): Promise<void> {
    if (messages.length === 0) return;
    if (!(await findTarget(this.records, chatId))) {
      await this.records.recordRefused(chatId, 'the chat never wrote to the bot first');
      throw new SendError(`whatsapp chat ${chatId} never wrote first; the bot does not start conversations`, false);
    }
    // Messages from a chat's own turn are sent before its next message is read: the choices are current.
    await this.choices?.remember(chatId, messages).catch(() => undefined);
    try {
      await this.queue.add('send', { chatId, messages: [...messages] }, key ? { jobId: jobIdOf(key) } : {});
    } catch (error) {
      throw new SendError(`whatsapp outbox unavailable: ${error instanceof Error ? error.message : String(error)}`, true);
    }
  }
}

export function createWhatsAppQueue(connection: ConnectionOptions, prefix: string): Queue {
  return new Queue(WHATSAPP_OUT_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 10,
      backoff: { type: 'exponential', delay: 3_000, jitter: 0.3 },
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
}

/** The first tracking code in a text (canonical form ADU-7KQ2-M9XD). */
export function codeIn(text: string, codePrefix: string): string | null {
  return new RegExp(`\\b${codePrefix}-[0-9A-Z]{4}-[0-9A-Z]{4}\\b`).exec(text)?.[0] ?? null;
}

/** Waits until this chat's gap since its last message has passed (SET NX PX in Redis). */
export async function waitChatGap(redis: Redis, key: string, gapMs: number, sleep: (ms: number) => Promise<void>): Promise<void> {
  if (gapMs <= 0) return;
  for (let i = 0; i < 100; i++) {
    if ((await redis.set(key, '1', 'PX', gapMs, 'NX')) === 'OK') return;
    const ttl = await redis.pttl(key);
    await sleep(Math.max(ttl, 20));
  }
}

export interface SenderDeps {
  connection: ConnectionOptions;
  redis: Redis;
  prefix: string;
  socket: () => WaSocket | null;
  records: OutboxRecords;
  log: Logger;
  codePrefix: string;
  language: Language;
  /** Gap between two messages to one chat (ms) and the global cap (messages per second). */
  chatGapMs: number;
  globalPerSecond: number;
  /** Stored files of officers' answers, sent as media. */
  readFile: ReadFile;
  sleep?: (ms: number) => Promise<void>;
}

/** Permanent failures: the JID is not on WhatsApp, or the request is refused. */
function isPermanent(error: unknown): boolean {
  const status = statusOf(error);
  return status === 400 || status === 403 || status === 404 || status === 406;
}

export function startWhatsAppSender(deps: SenderDeps): Worker {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const perChat = new KeyedSerialiser();
  const worker: Worker = new Worker(WHATSAPP_OUT_QUEUE, (job: Job) => perChat.run(chatOf(job), () => sendBatch(job)), {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: 4,
    limiter: { max: deps.globalPerSecond, duration: 1000 },
  });

  async function sendBatch(job: Job): Promise<{ sent: number }> {
    const parsed = SendJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`whatsapp-out job ${job.id ?? '?'} does not match its schema`);
    const { chatId, messages } = parsed.data;
    const jid = await findTarget(deps.records, chatId);
    if (!jid) {
      await deps.records.recordRefused(chatId, 'no contact or registered group at send time');
      throw new UnrecoverableError(`whatsapp chat ${chatId} has no target`);
    }
    const parts = messages.flatMap((m) => planParts(m, deps.language).map((part) => ({ part, code: codeIn(m.text, deps.codePrefix) })));
    const done = typeof job.progress === 'number' ? job.progress : 0;
    for (let i = done; i < parts.length; i++) {
      const planned = parts[i];
      if (!planned) continue;
      const { part, code } = planned;
      const sock = deps.socket();
      if (!sock) throw new Error('whatsapp is not connected; the job retries');
      await waitChatGap(deps.redis, `${deps.prefix}:wa:gap:${chatId}`, deps.chatGapMs, sleep);
      const file = part.kind === 'file' ? await toFileContent(part, deps.readFile, deps.language) : null;
      if (file?.note) deps.log.warn({ chatId, attachmentId: part.kind === 'file' ? part.file.attachmentId : null }, 'whatsapp attachment not sendable (gone or too big): a note instead');
      const fallbackText = part.kind === 'text' ? part.text : (part.caption ?? '');
      let sent;
      try {
        sent = await sock.sendMessage(jid, file ? file.content : { text: fallbackText });
      } catch (error) {
        if (isPermanent(error)) {
          await deps.records.recordRefused(chatId, `send refused (${statusOf(error) ?? '?'}): ${error instanceof Error ? error.message : String(error)}`);
          throw new UnrecoverableError(`whatsapp refused the message to ${chatId}`);
        }
        throw error;
      }
      const messageId = sent?.key.id;
      if (messageId) {
        await deps.records
          .saveSent({ messageId, jid, chatId, content: serialise(sent?.message ?? { conversation: fallbackText }), trackingCode: code })
          .catch((error: unknown) => deps.log.warn({ err: error }, 'could not record a sent whatsapp message'));
      }
      await job.updateProgress(i + 1);
    }
    return { sent: parts.length - done };
  }

  logWorkerFailures(worker, deps.log, { retry: 'whatsapp send failed; will retry', final: 'whatsapp send failed for good' });
  return worker;
}

function chatOf(job: Job): string {
  const parsed = SendJobSchema.safeParse(job.data);
  return parsed.success ? parsed.data.chatId : `job-${job.id ?? ''}`;
}
