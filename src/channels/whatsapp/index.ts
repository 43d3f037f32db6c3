/**
 * The WhatsApp channel, assembled: the auth state, the connection, the receiver, the outbox and
 * its sender worker, the admin routes. This is the only export of the folder; no Baileys type
 * crosses it.
 */
import { Browsers, downloadMediaMessage, makeWASocket, proto, type WAMessage } from '@whiskeysockets/baileys';
import type { ConnectionOptions, Queue, Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Language } from '../../domain/index.js';
import type { Texts } from '../../engine/index.js';
import type { AdminGuard } from '../../http/admin-guard.js';
import type { RateLimiter } from '../../services/ports.js';
import type { InboundHandler } from '../channel.js';
import { deserialise, type AuthStore } from './auth-state.js';
import { RecentChoices } from './choices.js';
import { timerScheduler, WhatsAppConnection, type Alert, type ConnectionState, type Scheduler, type SocketFactory, type WaSocket } from './connection.js';
import { WaMessageSchema } from './messages.js';
import type { ReadFile } from './media-out.js';
import { createWhatsAppQueue, startWhatsAppSender, WhatsAppChannel, type OutboxRecords } from './outbox.js';
import { toTerminalQr } from './qr.js';
import { WhatsAppReceiver, type GroupDeps, type ReceiverDeps, type SavedFile } from './receiver.js';
import { registerWhatsAppAdminRoutes } from './routes.js';

export { WhatsAppChannel, WHATSAPP_OUT_QUEUE, jobIdOf } from './outbox.js';
export { decideReconnect, CODES as DISCONNECT_CODES, type ReconnectDecision } from './decide.js';
export { readMessage, type Reading } from './inbound.js';
export type { ConnectionState, Alert, Scheduler, SocketFactory, WaSocket, GroupDeps };

export interface WhatsAppOptions {
  authStore: AuthStore;
  records: OutboxRecords & ReceiverDeps['records'] & { findSentContent(messageId: string): Promise<string | null> };
  pairingNumber?: string | undefined;
  codePrefix: string;
  queueConnection: ConnectionOptions;
  workerConnection: ConnectionOptions;
  redis: Redis;
  prefix: string;
  limiter: RateLimiter;
  limits: { chatGapMs: number; globalPerSecond: number; floodLimit: number; floodWindowMs: number; maxFileBytes: number };
  saveFile: (input: { chatId: string; data: Buffer; declaredMime: string; name?: string }) => Promise<SavedFile>;
  /** Reads a stored attachment back, for officers' answers with files. */
  readFile: ReadFile;
  texts: Texts;
  language: Language;
  log: Logger;
  now: () => Date;
  onAlert: (alert: Alert) => void;
  /** Tests: a fake socket (on Baileys' event buffer), a fake media download, hand-fired timers. */
  createSocket?: SocketFactory | undefined;
  download?: ((raw: unknown) => Promise<Buffer>) | undefined;
  scheduler?: Scheduler | undefined;
  /** Print the QR in the terminal (default true). */
  printQr?: boolean | undefined;
}

export interface WhatsAppRuntime {
  channel: WhatsAppChannel;
  queue: Queue;
  /** Starts receiving into the handler (the process that holds the socket). */
  attach(handle: InboundHandler, extra: Pick<ReceiverDeps, 'replyToComplaint' | 'isOfficer'> & { groups?: GroupDeps }): void;
  /** Loads the session (wrong WHATSAPP_AUTH_KEY: throws) and connects. */
  connect(): Promise<void>;
  startSender(): Worker;
  state(): ConnectionState;
  registerAdminRoutes(app: FastifyInstance, guard: AdminGuard): void;
  /** Waits for messages under way. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const realSocket: SocketFactory = ({ auth, getMessage, log }) =>
  makeWASocket({ auth, getMessage, logger: log, browser: Browsers.ubuntu('Aduan'), markOnlineOnConnect: false, syncFullHistory: false, shouldSyncHistoryMessage: () => false });

function isWaMessage(raw: unknown): raw is WAMessage {
  return WaMessageSchema.safeParse(raw).success;
}

export function createWhatsApp(options: WhatsAppOptions): WhatsAppRuntime {
  const { log, records } = options;
  const queue = createWhatsAppQueue(options.queueConnection, options.prefix);
  const choices = new RecentChoices(options.redis, options.prefix);
  const channel = new WhatsAppChannel(queue, records, choices);
  let receiver: WhatsAppReceiver | null = null;
  let sender: Worker | null = null;

  const connection = new WhatsAppConnection({
    store: options.authStore,
    createSocket: options.createSocket ?? realSocket,
    getMessage: async (key) => {
      const stored = key.id ? await records.findSentContent(key.id) : null;
      const value = stored === null ? null : deserialise(stored);
      return typeof value === 'object' && value !== null ? proto.Message.fromObject(value) : undefined;
    },
    onMessages: (upsert) => receiver?.accept(upsert),
    onAlert: options.onAlert,
    onQr: (qr) => {
      if (options.printQr === false) return;
      void toTerminalQr(qr).then((art) => log.warn(`Scan this QR with WhatsApp (Linked devices) to pair, or open /api/admin/whatsapp/qr.png:\n${art}`));
    },
    pairingNumber: options.pairingNumber,
    log,
    now: options.now,
    scheduler: options.scheduler ?? timerScheduler,
  });

  const socket = (): WaSocket | null => connection.socket();
  const download =
    options.download ??
    (async (raw: unknown) => {
      const sock = socket();
      if (!sock || !isWaMessage(raw)) throw new Error('whatsapp is not connected');
      return downloadMediaMessage(raw, 'buffer', {}, { logger: log, reuploadRequest: (m) => sock.updateMediaMessage(m) });
    });

  return {
    channel,
    queue,
    attach(handle, extra) {
      receiver = new WhatsAppReceiver({
        handle,
        send: (chatId, messages) => channel.send(chatId, messages),
        records,
        download,
        saveFile: options.saveFile,
        pnForLid: async (lid) => (await socket()?.signalRepository?.lidMapping?.getPNForLID(lid)) ?? null,
        ...(extra.replyToComplaint ? { replyToComplaint: extra.replyToComplaint } : {}),
        isOfficer: extra.isOfficer,
        choices,
        ...(extra.groups ? { groups: extra.groups } : {}),
        limiter: options.limiter,
        flood: { limit: options.limits.floodLimit, windowMs: options.limits.floodWindowMs },
        texts: options.texts,
        language: options.language,
        maxFileBytes: options.limits.maxFileBytes,
        log,
        now: options.now,
      });
    },
    connect: () => connection.start(),
    startSender() {
      sender = startWhatsAppSender({
        connection: options.workerConnection,
        redis: options.redis,
        prefix: options.prefix,
        socket,
        records,
        log,
        codePrefix: options.codePrefix,
        language: options.language,
        chatGapMs: options.limits.chatGapMs,
        globalPerSecond: options.limits.globalPerSecond,
        readFile: options.readFile,
      });
      return sender;
    },
    state: () => connection.state(),
    registerAdminRoutes: (app, guard) => registerWhatsAppAdminRoutes(app, guard, { qr: () => connection.currentQr(), state: () => connection.state() }),
    idle: () => receiver?.idle() ?? Promise.resolve(),
    async close() {
      await connection.stop();
      await receiver?.idle();
      if (sender) await sender.close();
      await queue.close();
    },
  };
}
