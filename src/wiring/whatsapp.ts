/**
 * Builds the WhatsApp channel for app.ts when WHATSAPP_ENABLED: the encrypted session store, the
 * records, the runtime; then attaches it to case handling: quoted replies (citizens to a complaint's
 * thread, officers' answers relayed to the citizen on any channel), officers' groups registered
 * with "daftargrup", and new complaints announced in the agency's group.
 */
import type { Logger } from 'pino';
import { createWhatsApp, type Alert, type Scheduler, type SocketFactory, type WhatsAppRuntime } from '../channels/whatsapp/index.js';
import type { Config } from '../config.js';
import type { FlowSet } from '../engine/index.js';
import type { InboundHandler } from '../channels/channel.js';
import { MediaReader, type MediaStore } from '../store/media.js';
import type { Db } from '../store/prisma.js';
import { RedisRateLimiter, type Redis } from '../store/redis.js';
import { PgWhatsAppRecords } from '../store/whatsapp.js';
import { parseKey32 } from '../store/secret-sealer.js';
import { PgWhatsAppAuthStore } from '../store/whatsapp-auth.js';
import type { CaseHandling } from './case-handling.js';
import { replyToComplaint } from './telegram.js';

/** Test seams: a fake socket, a fake media download, hand-fired reconnect timers, alerts. */
export interface WhatsAppHooks {
  createSocket?: SocketFactory;
  download?: (raw: unknown) => Promise<Buffer>;
  scheduler?: Scheduler;
  onAlert?: (alert: Alert) => void;
}

export interface WhatsAppWiring {
  runtime: WhatsAppRuntime;
  records: PgWhatsAppRecords;
  authStore: PgWhatsAppAuthStore;
}

export function buildWhatsApp(input: {
  config: Config;
  log: Logger;
  db: Db;
  redis: Redis;
  queueConnection: Redis;
  workerConnection: Redis;
  flows: FlowSet;
  media: MediaStore;
  /** Where the media store keeps files (MEDIA_DIR, resolved). */
  mediaDir: string;
  now: () => Date;
  hooks?: WhatsAppHooks | undefined;
}): WhatsAppWiring | null {
  const { config } = input;
  if (!config.WHATSAPP_ENABLED) return null;
  const key = config.WHATSAPP_AUTH_KEY ? parseKey32(config.WHATSAPP_AUTH_KEY) : null;
  if (!key) throw new Error('WHATSAPP_AUTH_KEY: 32 bytes as 64 hex characters or base64 are required when WHATSAPP_ENABLED=true');
  const log = input.log.child({ channel: 'whatsapp' });
  const records = new PgWhatsAppRecords(input.db);
  const authStore = new PgWhatsAppAuthStore(input.db, key);
  const reader = new MediaReader(input.db, input.mediaDir);
  const runtime = createWhatsApp({
    authStore,
    records,
    pairingNumber: config.WHATSAPP_PAIRING_NUMBER,
    codePrefix: config.TRACKING_CODE_PREFIX,
    queueConnection: input.queueConnection,
    workerConnection: input.workerConnection,
    redis: input.redis,
    prefix: config.REDIS_PREFIX,
    limiter: new RedisRateLimiter(input.redis, config.REDIS_PREFIX),
    limits: {
      chatGapMs: config.WHATSAPP_CHAT_GAP_MS,
      globalPerSecond: config.WHATSAPP_GLOBAL_PER_SECOND,
      floodLimit: config.WHATSAPP_FLOOD_LIMIT,
      floodWindowMs: config.WHATSAPP_FLOOD_WINDOW_SECONDS * 1000,
      maxFileBytes: config.WHATSAPP_MAX_FILE_BYTES,
    },
    saveFile: (file) => input.media.save({ channel: 'WHATSAPP', ...file }),
    readFile: (attachmentId) => reader.read(attachmentId),
    texts: input.flows.texts,
    language: config.DEFAULT_LANGUAGE,
    log,
    now: input.now,
    onAlert: (alert) => {
      // Operators watch error-level logs; the hook lets a deployment page someone too.
      log.error({ alert: alert.kind }, alert.message);
      input.hooks?.onAlert?.(alert);
    },
    createSocket: input.hooks?.createSocket,
    download: input.hooks?.download,
    scheduler: input.hooks?.scheduler,
    printQr: !input.hooks?.createSocket,
  });
  return { runtime, records, authStore };
}

/** Connects the receiver to the inbound handler and case handling (the process that holds the socket). */
export function attachWhatsApp(wa: WhatsAppWiring, input: { handle: InboundHandler; cases: CaseHandling; citizenCases: CaseHandling['citizenCases']; redis: Redis; flows: FlowSet; config: Config }): void {
  const store = input.cases.casework.cases;
  wa.runtime.attach(input.handle, {
    replyToComplaint: replyToComplaint({ citizenCases: input.citizenCases, redis: input.redis, prefix: input.config.REDIS_PREFIX, flows: input.flows, config: input.config }),
    isOfficer: async (chatId) => Boolean((await store.findOfficerByIdentity('WHATSAPP', chatId))?.active),
    groups: {
      isRegistered: async (groupJid) => (await wa.records.findGroupAgency(groupJid)) !== null,
      register: async (groupJid, senderChatId) => {
        const officer = await store.findOfficerByIdentity('WHATSAPP', senderChatId);
        if (!officer?.active) return 'Hanya petugas yang sudah terhubung (kirim "daftar KODE" ke nomor ini di chat pribadi) yang dapat mendaftarkan grup.';
        if (officer.role === 'PEJABAT_PENGHUBUNG') return 'Grup didaftarkan oleh admin instansi atau admin koordinator.';
        await wa.records.registerGroup(groupJid, officer.agencyId, officer.id);
        return `✅ Grup ini terdaftar untuk ${officer.agencyName}. Laporan baru instansi ini diumumkan di sini; balas dengan mengutip pengumumannya, atau pakai perintah petugas (tugas, lihat KODE, balas KODE …).`;
      },
    },
  });
}

/** After intake: a new complaint is announced in the WhatsApp group of its agency (or the nearest parent with one). */
export function announceInGroups(wa: WhatsAppWiring, cases: CaseHandling, log: Logger): Pick<CaseHandling, 'afterStore'> {
  const store = cases.casework.cases;
  return {
    afterStore: async (complaintId, created) => {
      await cases.afterStore(complaintId, created);
      if (!created) return;
      try {
        const c = await store.findCaseById(complaintId);
        if (!c?.agencyId) return;
        const tree = await store.findAgencies();
        const chain: string[] = [];
        for (let id: string | null = c.agencyId; id && chain.length < 10; id = tree.parentOf.get(id) ?? null) chain.push(id);
        const groups = await wa.records.findAgencyGroups(chain);
        const group = chain.map((id) => groups.find((g) => g.agencyId === id)).find((g) => g !== undefined);
        if (!group) return;
        const text = `📥 Laporan baru ${c.trackingCode} (${c.categoryName}): ${c.title.slice(0, 80)}.\nKutip pesan ini untuk menjawab pelapor, atau: lihat ${c.trackingCode}`;
        await wa.runtime.channel.send(`g-${group.groupJid.split('@')[0] ?? ''}`, [{ text }]);
      } catch (error) {
        log.warn({ err: error, complaintId }, 'could not announce the complaint in the whatsapp group');
      }
    },
  };
}
