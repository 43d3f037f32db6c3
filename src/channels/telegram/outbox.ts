/**
 * Outbound under Telegram's limits. `send` queues one job per batch on `telegram-out`; the worker
 * sends under a global limiter (25 jobs/s), paces each part per chat (pace.ts: 1/s in a private
 * chat, 20/min in a group; a part whose slot is later moves the job to delayed, holding its slot,
 * without spending an attempt), keeps a batch in order (progress = parts sent, so a retry never
 * repeats a part), backs off on 429 without spending an attempt, keeps a chat's batches in order
 * through retries (hold.ts), and records chats that blocked the bot (403) or no longer exist
 * (400 chat not found) instead of retrying them. Topic jobs bring a
 * complaint's forum topic in line with its status (name, closed or open).
 */
import { DelayedError, Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { GrammyError } from 'grammy';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { OutboundMessage } from '../../domain/index.js';
import { KeyedSerialiser } from '../../services/keyed-serialiser.js';
import { SendError } from '../../services/ports.js';
import type { ChannelAdapter } from '../channel.js';
import { GLOBAL_SENDS_PER_SECOND } from './limits.js';
import type { ChatHold } from './hold.js';
import type { Pacer } from './pace.js';
import { renderMessage, type TelegramPart } from './render.js';
import { logWorkerFailures } from '../../queue/worker-logs.js';

export const TELEGRAM_OUT_QUEUE = 'telegram-out';

const OutboundSchema = z.object({
  text: z.string(),
  choices: z.array(z.object({ id: z.string(), label: z.string() })).optional(),
  input: z.enum(['text', 'choice', 'date', 'location', 'media', 'yesno', 'summary']).optional(),
  media: z.array(z.object({ url: z.string(), mimeType: z.string(), name: z.string().optional(), attachmentId: z.uuid().optional() })).optional(),
  replyTo: z.string().optional(),
});
const TopicStateSchema = z.strictObject({ complaintId: z.uuid(), threadId: z.number().int(), version: z.number().int().nonnegative(), name: z.string().min(1).max(128), closed: z.boolean() });
export type TopicState = z.infer<typeof TopicStateSchema>;
export const SendJobSchema = z.strictObject({
  chatId: z.string().regex(/^-?\d+$/),
  /** Empty only for a topic job. */
  messages: z.array(OutboundSchema),
  /** Bring the complaint's topic to this state (rename, close, reopen); older versions are skipped. */
  topicState: TopicStateSchema.optional(),
  /** A forum topic of an officers' group. */
  threadId: z.number().int().optional(),
  /** Open the complaint's topic first (once), then post the messages in it. */
  openTopic: z.strictObject({ complaintId: z.uuid(), trackingCode: z.string(), name: z.string().min(1).max(128) }).optional(),
});
type SendJob = z.infer<typeof SendJobSchema>;

export interface SentRecords {
  rememberSent(chatId: string, messageId: number, trackingCode: string): Promise<void>;
  markUnreachable(chatId: string, errorCode: number, description: string): Promise<void>;
  findUnreachable(chatId: string): Promise<{ errorCode: number; description: string } | null>;
  saveTopic(topic: { complaintId: string; trackingCode: string; chatId: string; threadId: number }): Promise<void>;
  findTopic(complaintId: string): Promise<{ threadId: number; name: string | null; closed: boolean; syncedVersion: number } | null>;
  saveTopicState(complaintId: string, state: { name: string; closed: boolean; syncedVersion: number }): Promise<void>;
}

/** Progress of a batch: parts sent, and the pace slot the next part holds while the job is delayed. */
const ProgressSchema = z.union([z.number().int().nonnegative().transform((sent): { sent: number; slotAt?: number } => ({ sent })), z.strictObject({ sent: z.number().int().nonnegative(), slotAt: z.number().optional() })]);
/** A held slot is used when the job comes back within this long of it; later, a new slot is taken. */
const HELD_SLOT_MS = 10_000;

/** The Bot API call the worker makes; bot.api fits it. */
export interface SendApi {
  sendMessage(chatId: string, text: string, other: Record<string, unknown>): Promise<{ message_id: number }>;
  createForumTopic(chatId: string, name: string): Promise<{ message_thread_id: number }>;
  editForumTopic(chatId: string, threadId: number, name: string): Promise<unknown>;
  closeForumTopic(chatId: string, threadId: number): Promise<unknown>;
  reopenForumTopic(chatId: string, threadId: number): Promise<unknown>;
  /** Uploads a stored file: a photo for images, a document otherwise. */
  sendFile(chatId: string, file: { data: Buffer; mimeType: string; name: string }, other: Record<string, unknown>): Promise<{ message_id: number }>;
}

/** Reads a stored attachment back (the media store). */
export type ReadFile = (attachmentId: string) => Promise<{ data: Buffer; mimeType: string; name: string | null } | null>;

/** The Telegram side of the channel contract: renders nothing itself, queues for the sender worker. */
export class TelegramChannel implements ChannelAdapter {
  readonly channel = 'TELEGRAM' as const;

  constructor(private readonly queue: Queue, private readonly records: Pick<SentRecords, 'findUnreachable'>) {}

  /**
   * Queues the batch for the sender worker. Throws SendError: not retryable when the chat blocked
   * the bot or is gone, retryable when the queue is unreachable. With a `key`, queuing the same
   * batch twice sends it once.
   */
  async send(chatId: string, messages: readonly OutboundMessage[], key?: string): Promise<void> {
    if (messages.length === 0) return;
    await this.enqueue({ chatId, messages: [...messages] }, key);
  }

  /** Posts in a forum topic of an officers' group. */
  async sendToTopic(chatId: string, threadId: number | undefined, messages: readonly OutboundMessage[]): Promise<void> {
    await this.enqueue({ chatId, messages: [...messages], ...(threadId !== undefined ? { threadId } : {}) });
  }

  /** Opens the complaint's topic (once per complaint) and posts its summary there. */
  async openTopic(chatId: string, topic: { complaintId: string; trackingCode: string; name: string }, summary: OutboundMessage): Promise<void> {
    await this.enqueue({ chatId, messages: [summary], openTopic: topic }, `topic-${topic.complaintId}`);
  }

  /** Renames, closes or reopens the complaint's topic to match its status (once per complaint version). */
  async syncTopic(chatId: string, state: TopicState): Promise<void> {
    await this.enqueue({ chatId, messages: [], topicState: state }, `topic-${state.complaintId}-v${state.version}`);
  }

  private async enqueue(job: SendJob, key?: string): Promise<void> {
    const unreachable = await this.records.findUnreachable(job.chatId);
    if (unreachable) throw new SendError(`telegram chat unreachable (${unreachable.errorCode}): ${unreachable.description}`, false);
    try {
      await this.queue.add('send', job, key ? { jobId: sendJobId(key) } : {});
    } catch (error) {
      throw new SendError(`telegram outbox unavailable: ${error instanceof Error ? error.message : String(error)}`, true);
    }
  }
}

/** BullMQ job ids may not contain ':' nor be purely numeric: 'tg-' and a safe alphabet see to both. */
export function sendJobId(key: string): string {
  return `tg-${key.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** First retry delay of a failed batch (doubling, with jitter). */
export const OUTBOX_BACKOFF_MS = 2_000;

export function createTelegramQueue(connection: ConnectionOptions, prefix: string, backoffMs = OUTBOX_BACKOFF_MS): Queue {
  return new Queue(TELEGRAM_OUT_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 8,
      backoff: { type: 'exponential', delay: backoffMs, jitter: 0.3 },
      // Jobs carry the texts shown to the citizen: keep them only briefly.
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
}

/** "Forbidden: bot was blocked by the user", "user is deactivated", "Bad Request: chat not found". */
export function isUnreachable(error: GrammyError): boolean {
  return error.error_code === 403 || (error.error_code === 400 && /chat not found|user not found|PEER_ID_INVALID/i.test(error.description));
}

/** The first tracking code the bot printed in a text (always in canonical form: ADU-7KQ2-M9XD). */
export function codeIn(text: string, codePrefix: string): string | null {
  return new RegExp(`\\b${codePrefix}-[0-9A-Z]{4}-[0-9A-Z]{4}\\b`).exec(text)?.[0] ?? null;
}

export function startTelegramSender(deps: { connection: ConnectionOptions; prefix: string; concurrency: number; api: SendApi; records: SentRecords; log: Logger; codePrefix: string; pace: Pacer; now: () => Date; readFile: ReadFile; hold: ChatHold; holdRecheckMs: number }): Worker {
  // Batches for one chat are sent one at a time in this process, in the order they were picked.
  const perChat = new KeyedSerialiser();
  const worker: Worker = new Worker(TELEGRAM_OUT_QUEUE, (job: Job, token?: string) => perChat.run(chatOf(job), () => sendBatch(job, token)), {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: deps.concurrency,
    limiter: { max: GLOBAL_SENDS_PER_SECOND, duration: 1000 },
  });

  async function ensureTopic(chatId: string, topic: NonNullable<SendJob['openTopic']>): Promise<number> {
    const existing = await deps.records.findTopic(topic.complaintId);
    if (existing) return existing.threadId;
    const created = await deps.api.createForumTopic(chatId, topic.name);
    await deps.records.saveTopic({ complaintId: topic.complaintId, trackingCode: topic.trackingCode, chatId, threadId: created.message_thread_id });
    await deps.records.saveTopicState(topic.complaintId, { name: topic.name, closed: false, syncedVersion: 0 });
    return created.message_thread_id;
  }

  /** Renames and closes or reopens the topic; a state older than the one shown is skipped. */
  async function syncTopic(chatId: string, state: TopicState): Promise<void> {
    const shown = await deps.records.findTopic(state.complaintId);
    if (!shown || shown.syncedVersion >= state.version) return;
    const unchanged = (error: unknown) => {
      // TOPIC_NOT_MODIFIED and the like: the topic already shows it (or is gone); nothing to retry.
      if (error instanceof GrammyError && error.error_code === 400) deps.log.info({ chatId, description: error.description }, 'telegram topic not changed');
      else throw error;
    };
    if (shown.name !== state.name) await deps.api.editForumTopic(chatId, state.threadId, state.name).catch(unchanged);
    if (shown.closed !== state.closed) await (state.closed ? deps.api.closeForumTopic(chatId, state.threadId) : deps.api.reopenForumTopic(chatId, state.threadId)).catch(unchanged);
    await deps.records.saveTopicState(state.complaintId, { name: state.name, closed: state.closed, syncedVersion: state.version });
  }

  /** Waits for the chat's pace slot: true to send now; otherwise the job was moved to delayed. */
  async function takeSlot(job: Job, token: string | undefined, chatId: string, sent: number, held: number | undefined): Promise<void> {
    const now = deps.now().getTime();
    if (held !== undefined && now >= held - 50 && now - held < HELD_SLOT_MS) return;
    const sendAt = await deps.pace(chatId, now);
    if (sendAt <= now) return;
    await job.updateProgress({ sent, slotAt: sendAt });
    // Relative to the real clock BullMQ keeps, so an injected clock only decides the slot.
    await job.moveToDelayed(Date.now() + (sendAt - now), token);
    throw new DelayedError();
  }

  async function sendBatch(job: Job, token: string | undefined): Promise<{ sent: number }> {
    const parsed = SendJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`telegram-out job ${job.id ?? '?'} does not match its schema`);
    const { chatId, messages, openTopic, topicState } = parsed.data;
    const jobId = job.id ?? '';
    // An earlier batch of this chat failed and waits for its retry: this one goes after it.
    const standing = await deps.hold.check(chatId, jobId);
    if (standing === 'blocked') {
      await job.moveToDelayed(Date.now() + deps.holdRecheckMs, token);
      throw new DelayedError();
    }
    try {
      if (topicState) await syncTopic(chatId, topicState);
      const threadId = openTopic ? await ensureTopic(chatId, openTopic) : parsed.data.threadId;
      const parts: (TelegramPart & { code: string | null })[] = messages.flatMap((m) => renderMessage(m).map((part) => ({ ...part, code: codeIn(m.text, deps.codePrefix) })));
      const progress = ProgressSchema.safeParse(job.progress);
      const done = progress.success ? progress.data.sent : 0;
      for (let i = done; i < parts.length; i++) {
        const part = parts[i];
        if (!part) continue;
        await takeSlot(job, token, chatId, i, i === done && progress.success ? progress.data.slotAt : undefined);
        const where = {
          ...(threadId !== undefined ? { message_thread_id: threadId } : {}),
          ...(part.replyToMessageId ? { reply_parameters: { message_id: part.replyToMessageId, allow_sending_without_reply: true } } : {}),
        };
        if (part.file) {
          const stored = await deps.readFile(part.file.attachmentId);
          if (stored) await deps.api.sendFile(chatId, { data: stored.data, mimeType: stored.mimeType, name: stored.name ?? part.file.name ?? 'berkas' }, where);
          else deps.log.warn({ attachmentId: part.file.attachmentId }, 'attachment to send is gone; skipped');
          await job.updateProgress({ sent: i + 1 });
          continue;
        }
        const sent = await deps.api.sendMessage(chatId, part.text, {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(part.markup ? { reply_markup: part.markup } : {}),
          ...where,
        });
        if (part.code && threadId === undefined) await deps.records.rememberSent(chatId, sent.message_id, part.code).catch((error: unknown) => deps.log.warn({ err: error }, 'could not record a sent telegram message'));
        await job.updateProgress({ sent: i + 1 });
      }
      if (standing === 'mine') await deps.hold.release(chatId, jobId);
      return { sent: parts.length - done };
    } catch (error) {
      if (error instanceof DelayedError) throw error;
      if (error instanceof GrammyError && isUnreachable(error)) {
        await deps.records.markUnreachable(chatId, error.error_code, error.description);
        await deps.hold.release(chatId, jobId);
        deps.log.info({ chatId, code: error.error_code }, 'telegram chat unreachable: recorded, not retried');
        throw new UnrecoverableError(`telegram chat unreachable: ${error.description}`);
      }
      // Retried later (429, 5xx, timeout, network, a store away): the chat's later batches wait for it.
      await deps.hold.take(chatId, jobId);
      if (error instanceof GrammyError && error.error_code === 429) {
        // Telegram says how long to wait: pause the whole queue, and this job goes back without an attempt spent.
        const seconds = error.parameters.retry_after ?? 1;
        deps.log.warn({ chatId, retryAfter: seconds }, 'telegram flood limit: pausing sends');
        await worker.rateLimit(seconds * 1000);
        throw Worker.RateLimitError();
      }
      throw error;
    }
  }

  logWorkerFailures(worker, deps.log, { retry: 'telegram send failed; will retry', final: 'telegram send failed for good' });
  return worker;
}

function chatOf(job: Job): string {
  const parsed = SendJobSchema.safeParse(job.data);
  return parsed.success ? parsed.data.chatId : `job-${job.id ?? ''}`;
}
