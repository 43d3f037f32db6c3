/**
 * Builds the Telegram channel for app.ts when TELEGRAM_BOT_TOKEN is set: the runtime from
 * channels/telegram, its PostgreSQL records, the webhook's update_id claims in Redis, and the
 * citizen's reply-to a complaint message, added to that complaint's thread.
 */
import type { Logger } from 'pino';
import { createTelegram, isTopicClosed, topicButtons, topicName, type OfficerGroups, type OutboxTiming, type PaceRules, type Scheduler, type TelegramRuntime } from '../channels/telegram/index.js';
import type { Config } from '../config.js';
import type { InboundMessage, OutboundMessage } from '../domain/index.js';
import type { FlowSet } from '../engine/index.js';
import { actAsOfficer, type CitizenOutcome } from '../services/casework.js';
import type { CaseRecord } from '../services/case-ports.js';
import type { InboundDeps } from '../services/handle-inbound.js';
import { MediaReader, type MediaStore } from '../store/media.js';
import type { Db } from '../store/prisma.js';
import type { CaseHandling } from './case-handling.js';
import { RedisInboundDedupe, type Redis } from '../store/redis.js';
import { PgTelegramRecords } from '../store/telegram.js';

/** Test seams: a fake Bot API and hand-fired album timers. */
export interface TelegramHooks {
  fetch?: typeof fetch;
  scheduler?: Scheduler;
  inboxBackoffMs?: number;
  pace?: PaceRules;
  outbox?: OutboxTiming;
}

export interface TelegramWiring {
  runtime: TelegramRuntime;
  records: PgTelegramRecords;
}

export function buildTelegram(input: {
  config: Config;
  log: Logger;
  db: Db;
  redis: Redis;
  queueConnection: Redis;
  workerConnection: Redis;
  flows: FlowSet;
  media: MediaStore;
  mediaDir: string;
  now: () => Date;
  hooks?: TelegramHooks | undefined;
}): TelegramWiring | null {
  const { config } = input;
  if (!config.TELEGRAM_BOT_TOKEN) return null;
  const records = new PgTelegramRecords(input.db);
  const runtime = createTelegram({
    token: config.TELEGRAM_BOT_TOKEN,
    apiRoot: config.TELEGRAM_API_ROOT,
    maxFileBytes: config.TELEGRAM_MAX_FILE_BYTES,
    codePrefix: config.TRACKING_CODE_PREFIX,
    queueConnection: input.queueConnection,
    workerConnection: input.workerConnection,
    redis: input.redis,
    prefix: config.REDIS_PREFIX,
    concurrency: config.WORKER_CONCURRENCY,
    records,
    saveFile: (file) => input.media.save({ channel: 'TELEGRAM', ...file }),
    readFile: (attachmentId) => new MediaReader(input.db, input.mediaDir).read(attachmentId),
    texts: input.flows.texts,
    language: config.DEFAULT_LANGUAGE,
    log: input.log.child({ channel: 'telegram' }),
    now: input.now,
    fetch: input.hooks?.fetch,
    scheduler: input.hooks?.scheduler,
    inboxBackoffMs: input.hooks?.inboxBackoffMs,
    pace: input.hooks?.pace,
    outbox: input.hooks?.outbox,
  });
  return { runtime, records };
}

/**
 * A text reply (reply-to) to the bot's message about a complaint goes to that complaint's thread,
 * as "tambah KODE" would, without disturbing a form the citizen is filling in. Returns null when
 * the complaint is unknown, so the text is read as an ordinary message.
 */
export function replyToComplaint(deps: { citizenCases: InboundDeps['citizenCases']; redis: Redis; prefix: string; flows: FlowSet; config: Config }) {
  const dedupe = new RedisInboundDedupe(deps.redis, deps.prefix);
  return async (message: InboundMessage & { content: { kind: 'text' } }, code: string): Promise<OutboundMessage[] | null> => {
    if (!deps.citizenCases) return null;
    const chat = { channel: message.channel, chatId: message.chatId };
    if (await dedupe.seen(chat, message.platformMessageId)) return [];
    const outcome = await deps.citizenCases.reply({ code, chat, text: message.content.text, platformMessageId: message.platformMessageId }, message.receivedAt);
    if (!outcome.ok && outcome.reason === 'not_found') return null;
    await dedupe.remember(chat, message.platformMessageId);
    return [{ text: deps.flows.texts.t(replyText(outcome), deps.config.DEFAULT_LANGUAGE, { code }) }];
  };
}

function replyText(outcome: CitizenOutcome) {
  if (outcome.ok) return 'reply_received' as const;
  if (outcome.reason === 'conflict') return 'busy' as const;
  if (outcome.reason === 'closed') return 'reply_closed' as const;
  return 'reply_not_yours' as const;
}

const NOT_LINKED = 'Hanya petugas yang sudah terhubung (kirim /daftar KODE ke bot di chat pribadi) yang dapat mendaftarkan grup.';

/**
 * Officers' forum groups on top of case handling: registering a group for the admin's agency,
 * acting as the officer behind a Telegram account, opening a complaint's topic in the group of its
 * agency (or the nearest parent with one), and posting the citizen's replies there.
 */
export function officerGroups(telegram: TelegramWiring, cases: CaseHandling) {
  const store = cases.casework.cases;
  const groups: OfficerGroups = {
    registerGroup: async (chatId, senderId) => {
      const officer = await store.findOfficerByIdentity('TELEGRAM', senderId);
      if (!officer?.active) return NOT_LINKED;
      if (officer.role === 'PEJABAT_PENGHUBUNG') return 'Grup didaftarkan oleh admin instansi atau admin koordinator.';
      await telegram.records.registerGroup(chatId, officer.agencyId, officer.id);
      return `✅ Grup ini terdaftar untuk ${officer.agencyName}. Setiap laporan yang masuk ke instansi ini dibuka sebagai topik di sini (aktifkan Topics; bot perlu izin admin "Manage topics").`;
    },
    isRegisteredGroup: async (chatId) => (await telegram.records.findGroupAgency(chatId)) !== null,
    codeOfTopic: (chatId, threadId) => telegram.records.findTopicCode(chatId, threadId),
    act: async (senderId, request, at) => {
      const officer = await store.findOfficerByIdentity('TELEGRAM', senderId);
      if (!officer) return null;
      const outcome = await actAsOfficer(cases.casework, officer, request, at);
      return outcome.ok ? `✅ ${outcome.message}` : `⚠️ ${outcome.message}`;
    },
  };

  const openTopicFor = async (complaintId: string) => {
    const c = await store.findCaseById(complaintId);
    if (!c?.agencyId || (await telegram.records.findTopic(c.id))) return;
    const tree = await store.findAgencies();
    const chain: string[] = [];
    for (let id: string | null = c.agencyId; id && chain.length < 10; id = tree.parentOf.get(id) ?? null) chain.push(id);
    const registered = await telegram.records.findAgencyGroups(chain);
    const group = chain.map((id) => registered.find((g) => g.agencyId === id)).find((g) => g !== undefined);
    if (!group) return;
    const topic = { complaintId: c.id, trackingCode: c.trackingCode, name: topicName(c.trackingCode, c.categoryName, c.status) };
    await telegram.runtime.channel.openTopic(group.chatId, topic, topicSummary(c));
  };

  /** The topic shows the complaint's status in its name, and is closed while the complaint is finished. */
  const syncTopicFor = async (complaintId: string) => {
    const [c, topic] = await Promise.all([store.findCaseById(complaintId), telegram.records.findTopic(complaintId)]);
    if (!c || !topic) return;
    const state = { complaintId, threadId: topic.threadId, version: c.version, name: topicName(c.trackingCode, c.categoryName, c.status), closed: isTopicClosed(c.status) };
    await telegram.runtime.channel.syncTopic(topic.chatId, state);
  };

  const postCitizenReply = async (code: string, text: string) => {
    const c = await store.findCase(code);
    const topic = c ? await telegram.records.findTopic(c.id) : null;
    if (topic) await telegram.runtime.channel.sendToTopic(topic.chatId, topic.threadId, [{ text: `💬 Pelapor menulis:\n${text}` }]);
  };

  return { groups, openTopicFor, postCitizenReply, syncTopicFor };
}

/** The topic's first post: what officers need, the reporter hidden (Telegram never shows the citizen's account). */
function topicSummary(c: CaseRecord): OutboundMessage {
  const lines = [
    `📥 *${c.trackingCode}* — ${c.title}`,
    `Kategori: ${c.categoryName}`,
    ...(c.agencyName ? [`Instansi: ${c.agencyName}`] : []),
    ...(c.anonymous ? ['Pelapor: anonim'] : []),
    ...(c.confidential ? ['Rahasia: isi tidak boleh dipublikasikan'] : []),
    ...(c.duplicateOfCode ? [`Kemungkinan duplikat dari ${c.duplicateOfCode}`] : []),
    '',
    c.description,
    '',
    'Tulis di topik ini untuk menjawab pelapor; #catatan … tetap internal.',
  ];
  return { text: lines.join('\n'), choices: topicButtons(c.trackingCode) };
}

/** Case handling with the officers' groups hooked in: topics open after intake, citizen replies are posted in them. */
export function withOfficerGroups(cases: CaseHandling, hooks: ReturnType<typeof officerGroups>, log: Logger): Pick<CaseHandling, 'afterStore' | 'citizenCases'> {
  return {
    afterStore: async (complaintId, created) => {
      await cases.afterStore(complaintId, created);
      await hooks.openTopicFor(complaintId).catch((error: unknown) => log.warn({ err: error, complaintId }, 'could not open the complaint topic'));
    },
    citizenCases: {
      ...cases.citizenCases,
      reply: async (input, at) => {
        const outcome = await cases.citizenCases.reply(input, at);
        if (outcome.ok) await hooks.postCitizenReply(input.code, input.text).catch((error: unknown) => log.warn({ err: error }, 'could not post the reply in the topic'));
        return outcome;
      },
    },
  };
}

