/**
 * The Telegram channel, assembled: the bot, the inbound queue and its worker (which feeds the
 * receiver), the outbox and its sender worker, and the webhook route. This is the only export of
 * the folder; no grammY type crosses it.
 */
import type { RunnerHandle } from '@grammyjs/runner';
import { InputFile } from 'grammy';
import type { ConnectionOptions, Queue, Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Language } from '../../domain/index.js';
import type { Texts } from '../../engine/index.js';
import type { InboundHandler } from '../channel.js';
import { ApiHealth, createBot, createSendApi, DEFAULT_API_ROOT, initBot, SEND_TIMEOUT_MS, startPolling } from './bot.js';
import { createChatHold } from './hold.js';
import { CLOUD_DOWNLOAD_LIMIT_BYTES } from './limits.js';
import { createInbox, createInboxQueue, startInboxWorker } from './inbox.js';
import { createDownloader, timerScheduler, type Scheduler } from './media.js';
import { createPacer, type PaceRules } from './pace.js';
import { createTelegramQueue, OUTBOX_BACKOFF_MS, startTelegramSender, TelegramChannel, type ReadFile, type SentRecords } from './outbox.js';
import { TelegramReceiver, type ReceiverDeps, type SavedFile } from './receiver.js';
import type { TopicDeps } from './topics.js';
import { isTopicClosed, topicButtons, topicName } from './topics.js';
import { registerTelegramWebhook } from './webhook.js';
import { isUpdate } from './updates.js';
export { TELEGRAM_IN_QUEUE } from './inbox.js';

export { TelegramChannel } from './outbox.js';
export { TelegramStartError } from './bot.js';
export { TELEGRAM_OUT_QUEUE } from './outbox.js';
export type { Scheduler } from './media.js';
export type { PaceRules } from './pace.js';
export type { TopicState } from './outbox.js';
/** What the officers' groups need from case handling (wiring/telegram.ts provides it). */
export type OfficerGroups = Pick<TopicDeps, 'registerGroup' | 'isRegisteredGroup' | 'codeOfTopic' | 'act'>;
export { isTopicClosed, topicButtons, topicName };

/** Timing of the sender (tests shorten it). */
export interface OutboxTiming {
  /** A send not answered after this long is abandoned and retried (default SEND_TIMEOUT_MS). */
  sendTimeoutMs?: number | undefined;
  /** First retry delay of a failed batch, doubling (default 2 s). */
  backoffMs?: number | undefined;
  /** How often a batch waiting behind its chat's failed batch looks again (default 1 s). */
  holdRecheckMs?: number | undefined;
}

export interface TelegramOptions {
  token: string;
  /** A self-hosted Bot API server; also lifts the 20 MB download limit. */
  apiRoot?: string | undefined;
  maxFileBytes: number;
  /** TRACKING_CODE_PREFIX: finds the complaint a sent message is about. */
  codePrefix: string;
  queueConnection: ConnectionOptions;
  workerConnection: ConnectionOptions;
  /** update_id markers (de-duplication of re-delivered updates). */
  redis: Redis;
  prefix: string;
  concurrency: number;
  records: SentRecords & ReceiverDeps['records'] & { clearUnreachable(chatId: string): Promise<void> };
  saveFile: (input: { chatId: string; data: Buffer; declaredMime: string; name?: string }) => Promise<SavedFile>;
  /** Stored files to upload (an agency's answer with photos or documents). */
  readFile: ReadFile;
  texts: Texts;
  language: Language;
  log: Logger;
  now: () => Date;
  /** Tests: a fake Bot API (every call, file downloads included, goes through it) and hand-fired timers. */
  fetch?: typeof fetch | undefined;
  scheduler?: Scheduler | undefined;
  /** Tests: first retry delay of a failed inbound update (default 1 s, doubling). */
  inboxBackoffMs?: number | undefined;
  /** Per-chat pacing (default Telegram's limits, pace.ts); tests of other behaviour may loosen it. */
  pace?: PaceRules | undefined;
  outbox?: OutboxTiming | undefined;
}

export interface TelegramRuntime {
  channel: TelegramChannel;
  /** getMe (a refused token throws TelegramStartError) and, for receiving roles, the command menu. */
  init(options: { setCommands: boolean }): Promise<void>;
  /** Starts reading updates into the inbound handler (webhook or polling feed them). */
  attach(handle: InboundHandler, replyToComplaint?: ReceiverDeps['replyToComplaint'], groups?: OfficerGroups): void;
  /** Delivers one update as Telegram's webhook would: queued once per update_id (tests). */
  handleUpdate(update: unknown): Promise<void>;
  startPolling(): Promise<void>;
  startSender(): Worker;
  /** The worker that handles queued updates (roles that receive: all, worker, channels). */
  startReceiver(): Worker;
  registerWebhook(app: FastifyInstance, options: { secret: string }): void;
  /** Waits for album flushes already under way. */
  idle(): Promise<void>;
  /** 1 while the Bot API answered the last call of this process, 0 after a failure (see ApiHealth). */
  health(): 0 | 1;
  queue: Queue;
  /** The inbound updates (telegram-in). */
  inbox: Queue;
  close(): Promise<void>;
}

export function createTelegram(options: TelegramOptions): TelegramRuntime {
  const { log } = options;
  const apiRoot = options.apiRoot ?? DEFAULT_API_ROOT;
  const maxFileBytes = options.apiRoot ? options.maxFileBytes : Math.min(options.maxFileBytes, CLOUD_DOWNLOAD_LIMIT_BYTES);
  let receiver: TelegramReceiver | null = null;
  const inboxQueue = createInboxQueue(options.queueConnection, options.prefix, options.inboxBackoffMs);
  const inbox = createInbox({ queue: inboxQueue, redis: options.redis, prefix: options.prefix, log });
  let stopping = false;
  // Polling: each update is queued before the runner moves on; the inbox worker handles it.
  const bot = createBot({ token: options.token, apiRoot: options.apiRoot, fetch: options.fetch, log, onUpdate: (update) => inbox.enqueueDurably(update, () => stopping) });
  const queue = createTelegramQueue(options.queueConnection, options.prefix, options.outbox?.backoffMs ?? OUTBOX_BACKOFF_MS);
  // Sends get their own client: a shorter timeout than the long poll's.
  const sendApi = createSendApi({ token: options.token, apiRoot: options.apiRoot, fetch: options.fetch, timeoutMs: options.outbox?.sendTimeoutMs ?? SEND_TIMEOUT_MS });
  const channel = new TelegramChannel(queue, options.records);
  const health = new ApiHealth();
  health.watch(bot.api);
  health.watch(sendApi);
  const download = createDownloader({ api: { getFile: (fileId) => bot.api.getFile(fileId) }, fetch: options.fetch ?? fetch, token: options.token, apiRoot, maxBytes: maxFileBytes, localFiles: Boolean(options.apiRoot) });
  let runner: RunnerHandle | null = null;
  let sender: Worker | null = null;
  let inboxWorker: Worker | null = null;

  return {
    channel,
    queue,
    inbox: inboxQueue,
    health: () => health.state(),
    init: (init) => initBot(bot, log, init),
    attach(handle, replyToComplaint, groups) {
      const topicDeps: TopicDeps | undefined = groups && {
        ...groups,
        sendToTopic: (chatId, threadId, messages) => channel.sendToTopic(chatId, threadId, messages),
        answerCallback: (id, text) => bot.api.answerCallbackQuery(id, text ? { text, show_alert: true } : {}),
        log,
        now: options.now,
      };
      receiver = new TelegramReceiver({
        ...(topicDeps ? { groups: topicDeps } : {}),
        handle,
        send: (chatId, messages) => channel.send(chatId, messages),
        answerCallback: (id) => bot.api.answerCallbackQuery(id),
        download,
        saveFile: options.saveFile,
        records: options.records,
        ...(replyToComplaint ? { replyToComplaint } : {}),
        texts: options.texts,
        language: options.language,
        maxFileBytes,
        log,
        now: options.now,
        scheduler: options.scheduler ?? timerScheduler,
      });
    },
    async handleUpdate(update) {
      if (!isUpdate(update)) {
        log.warn('not a telegram update; dropped');
        return;
      }
      await inbox.enqueue(update);
    },
    startReceiver() {
      inboxWorker = startInboxWorker({
        connection: options.workerConnection,
        prefix: options.prefix,
        concurrency: options.concurrency,
        log,
        process: async (update) => {
          // Not attached yet (start-up): fail, so the job is retried once the receiver is there.
          if (!receiver) throw new Error('telegram receiver not attached yet');
          await receiver.process(update);
        },
      });
      return inboxWorker;
    },
    async startPolling() {
      runner = await startPolling(bot, log);
    },
    startSender() {
      sender = startTelegramSender({
        connection: options.workerConnection,
        prefix: options.prefix,
        concurrency: options.concurrency,
        api: {
          sendMessage: (chatId, text, other) => sendApi.sendMessage(chatId, text, other),
          createForumTopic: (chatId, name) => sendApi.createForumTopic(chatId, name),
          editForumTopic: (chatId, threadId, name) => sendApi.editForumTopic(chatId, threadId, { name }),
          closeForumTopic: (chatId, threadId) => sendApi.closeForumTopic(chatId, threadId),
          reopenForumTopic: (chatId, threadId) => sendApi.reopenForumTopic(chatId, threadId),
          sendFile: (chatId, file, other) => {
            const upload = new InputFile(file.data, file.name);
            return file.mimeType.startsWith('image/') ? bot.api.sendPhoto(chatId, upload, other) : bot.api.sendDocument(chatId, upload, other);
          },
        },
        readFile: options.readFile,
        pace: createPacer(options.redis, options.prefix, options.pace),
        hold: createChatHold(options.redis, options.prefix, (jobId) => queue.getJobState(jobId)),
        holdRecheckMs: options.outbox?.holdRecheckMs ?? 1_000,
        now: options.now,
        records: options.records,
        log,
        codePrefix: options.codePrefix,
      });
      return sender;
    },
    registerWebhook(app, hook) {
      registerTelegramWebhook(app, { secret: hook.secret, enqueue: (update) => inbox.enqueue(update) });
    },
    idle: () => receiver?.idle() ?? Promise.resolve(),
    async close() {
      stopping = true;
      if (runner?.isRunning()) await runner.stop();
      if (inboxWorker) await inboxWorker.close();
      await receiver?.drain();
      if (sender) await sender.close();
      await Promise.all([queue.close(), inboxQueue.close()]);
    },
  };
}
