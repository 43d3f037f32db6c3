/**
 * Builds the running service from a parsed configuration: clients, stores, channels, the inbound
 * handler, the workers and the HTTP server, for the roles asked for. main.ts calls it for the real
 * process; the integration tests call it with their own database, Redis prefix and clock.
 */
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ChannelRegistry } from './channels/channel.js';
import { WebchatChannel } from './channels/webchat/outbox.js';
import type { Config } from './config.js';
import type { InboundMessage } from './domain/index.js';
import { loadFlowSet, type FlowSet } from './engine/index.js';
import { buildServer } from './http/server.js';
import { BullIntakeQueue, BullNotificationQueue, createQueues, type Queues } from './queue/queues.js';
import { createFlowStarter, createInboundHandler, type InboundDeps, type InboundOutcome } from './services/handle-inbound.js';
import { loadCalendar } from './store/calendar-files.js';
import { buildCaseHandling, type CaseHandling } from './wiring/case-handling.js';
import { recoverAllPendingSubmissions } from './services/recovery.js';
import { CachedCatalog } from './store/catalog.js';
import { PgComplaintStore } from './store/complaints.js';
import { describeDatabase, ensureDatabase, migrateDatabase } from './store/database.js';
import { MediaReader, MediaStore } from './store/media.js';
import { registerAnswerFiles } from './http/answer-files.js';
import { createDb, createPool, type Db, type Pool } from './store/prisma.js';
import { createRedis, RedisChatGate, RedisRateLimiter, type Redis } from './store/redis.js';
import { applySeed, isEmpty, readSeed } from './store/seed.js';
import { PgSessionStore } from './store/sessions.js';
import { buildTelegram, officerGroups, replyToComplaint, withOfficerGroups, type TelegramHooks, type TelegramWiring } from './wiring/telegram.js';
import { startWorkers } from './workers/workers.js';
import { requireAdmin } from './http/admin-guard.js';
import type { AuthenticateAdmin } from './services/admin-principal.js';
import { withOfficerAnswers } from './wiring/quoted-answers.js';
import { announceInGroups, attachWhatsApp, buildWhatsApp, type WhatsAppHooks, type WhatsAppWiring } from './wiring/whatsapp.js';
import { buildAdmin } from './wiring/admin.js';
// Figures, transparency page and metrics (issue 6).
import { findFigureLabels, findFigureRows } from './store/figures.js';
import { findPublicComplaints } from './store/public-complaints.js';
import type { FiguresDeps } from './services/figures.js';
import { createMetrics, type Metrics } from './wiring/metrics.js';
import { Open311Channel } from './channels/open311.js';
import { PgOpen311Store } from './store/open311.js';
import { buildWebhooks, sealStoredWebhookSecrets, type WebhookWiring } from './wiring/webhooks.js';
import { SecretSealer } from './store/secret-sealer.js';

export type Role = 'all' | 'web' | 'worker' | 'channels';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', ...(import.meta.url.includes('/dist/') ? ['..'] : []));

export interface AppOptions {
  config: Config;
  role: Role;
  log: Logger;
  now?: () => Date;
  /** Pin tracking codes in tests. */
  newCode?: (prefix: string) => string;
  /** Tests: a fake Bot API for the Telegram channel, and hand-fired album timers. */
  telegram?: TelegramHooks;
  /** Tests: a fake WhatsApp socket and media download, hand-fired reconnect timers, alerts. */
  whatsapp?: WhatsAppHooks;
  /** Tests: resolve admin tokens with this instead of the admin token store. */
  authenticateAdmin?: AuthenticateAdmin;
}

export interface App {
  flows: FlowSet;
  db: Db;
  pool: Pool;
  redis: Redis;
  queues: Queues;
  http?: FastifyInstance;
  workers: Worker[];
  handle: (message: InboundMessage) => Promise<InboundOutcome>;
  webchat: WebchatChannel;
  /** Present when TELEGRAM_BOT_TOKEN is set. */
  telegram?: TelegramWiring;
  /** Present when WHATSAPP_ENABLED. */
  whatsapp?: WhatsAppWiring;
  cases: CaseHandling;
  /** Resolves admin bearer tokens: build admin-only routes' guards with requireAdmin(app.authenticateAdmin, roles). */
  authenticateAdmin: AuthenticateAdmin;
  /** Re-reads run-time holiday changes into the running calendar. */
  reloadCalendar: () => Promise<void>;
  /** Prometheus registry and hooks (channels report health with registerChannelHealth). */
  metrics: Metrics;
  /** Outgoing webhooks: the queue and the scan/deliver functions (tests drive them with their own clock). */
  webhooks: WebhookWiring;
  /** Re-enqueue every pending submission now (start-up recovery). */
  recover: () => Promise<number>;
  /** Stop taking work, finish what is in flight, close connections. */
  close: () => Promise<void>;
}

const resolvePath = (path: string) => (isAbsolute(path) ? path : join(projectRoot, path));

export async function prepareDatabase(config: Config, log: Logger): Promise<void> {
  await ensureDatabase(describeDatabase(config.DATABASE_URL), log);
  if (config.AUTO_MIGRATE) await migrateDatabase(config.DATABASE_URL, projectRoot, log);
}

export async function seedIfEmpty(db: Db, config: Config, log: Logger): Promise<void> {
  if (!config.AUTO_SEED || !(await isEmpty(db))) return;
  const counts = await applySeed(db, await readSeed(resolvePath(config.SEED_DIR)));
  log.info(counts, 'database was empty: loaded the seed data');
}

export async function createApp(options: AppOptions): Promise<App> {
  const { config, log, role } = options;
  const now = options.now ?? (() => new Date());
  // Data files first: a bad flow or holiday file stops start-up before any connection is opened.
  const flows = await loadFlowSet(resolvePath(config.CONVERSATIONS_DIR));
  const calendar = await loadCalendar(resolvePath(config.CALENDAR_DIR));
  await prepareDatabase(config, log);
  const pool = createPool(config.DATABASE_URL, (error) => log.warn({ err: error }, 'an idle PostgreSQL connection failed; the pool reconnects'), {
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
  });
  const db = createDb(pool);
  // One per process: the admin API seals new webhook secrets with it, deliveries open them.
  const webhookSecrets = new SecretSealer(config.WEBHOOK_SECRETS_KEY);
  try {
    await seedIfEmpty(db, config, log);
    await sealStoredWebhookSecrets(db, webhookSecrets, log);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }

  const redis = createRedis(config.REDIS_URL, { name: `${config.REDIS_PREFIX}:messages` });
  redis.on('error', (error) => log.warn({ err: error }, 'redis connection problem'));
  const workerConnection = createRedis(config.REDIS_URL, { forWorker: true, name: `${config.REDIS_PREFIX}:workers` });
  workerConnection.on('error', (error) => log.warn({ err: error }, 'redis (workers) connection problem'));
  const queueConnection = createRedis(config.REDIS_URL, { name: `${config.REDIS_PREFIX}:queues` });
  queueConnection.on('error', () => undefined);
  const prefix = config.REDIS_PREFIX;
  const queues = createQueues(queueConnection, prefix);

  const catalog = await CachedCatalog.create(db, config.DEFAULT_REGION_CODE);
  const catalogTimer = setInterval(() => void catalog.refresh().catch((error: unknown) => log.warn({ err: error }, 'catalog refresh failed')), 60_000);
  catalogTimer.unref();

  const webchat = new WebchatChannel(redis, prefix, config.WEBCHAT_HISTORY, now);
  const channels = new ChannelRegistry();
  channels.register(webchat);
  channels.register(new Open311Channel());
  const media = new MediaStore(db, resolvePath(config.MEDIA_DIR));
  const telegram = buildTelegram({ config, log, db, redis, queueConnection, workerConnection, flows, media, mediaDir: resolvePath(config.MEDIA_DIR), now, hooks: options.telegram });
  if (telegram) {
    channels.register(telegram.runtime.channel);
    // A refused token stops start-up here, before any worker runs; receiving roles also set the command menu.
    await telegram.runtime.init({ setCommands: role === 'all' || role === 'channels' });
  }
  const whatsapp = buildWhatsApp({ config, log, db, redis, queueConnection, workerConnection, flows, media, mediaDir: resolvePath(config.MEDIA_DIR), now, hooks: options.whatsapp });
  if (whatsapp) channels.register(whatsapp.runtime.channel);

  const complaints = new PgComplaintStore(db, pool);
  const sessions = new PgSessionStore(db, pool);
  const limiter = new RedisRateLimiter(redis, prefix);
  const intakeQueue = new BullIntakeQueue(queues.intake);
  const notificationQueue = new BullNotificationQueue(queues.notify);
  const cases = await buildCaseHandling({ db, pool, queues, sender: channels, config, log, calendar, now });
  const admin = await buildAdmin({ db, config, log, fileCalendar: calendar, deadlines: cases.deadlines, webhookSecrets, now });
  // With Telegram, officers' forum groups get a topic per complaint and the citizen's replies.
  const groups = telegram ? officerGroups(telegram, cases) : null;
  const caseHooks = groups ? withOfficerGroups(cases, groups, log) : cases;
  // With WhatsApp, new complaints are announced in the agency's registered WhatsApp group too.
  const afterStore = whatsapp ? announceInGroups(whatsapp, { ...cases, afterStore: caseHooks.afterStore }, log).afterStore : caseHooks.afterStore;
  // A complaint forwarded later (teruskan, bukan wewenang to an agency) gets its topic too.
  if (groups) cases.casework.onForwarded = (complaintId) => groups.openTopicFor(complaintId);
  // Its topic follows the complaint: the status in the name, closed when finished, reopened with it.
  if (groups) cases.casework.onChanged = (complaintId) => groups.syncTopicFor(complaintId);
  const inboundDeps: InboundDeps = {
    flows,
    catalog,
    sessions,
    gate: new RedisChatGate(redis, prefix),
    sender: channels,
    intake: intakeQueue,
    lookup: { complaints, limiter, timeZone: config.TIME_ZONE, limit: config.LOOKUP_LIMIT, windowMs: config.LOOKUP_WINDOW_MINUTES * 60_000 },
    settings: { idleMinutes: config.SESSION_IDLE_MINUTES, timeZone: config.TIME_ZONE, defaultLanguage: config.DEFAULT_LANGUAGE, trackingCodePrefix: config.TRACKING_CODE_PREFIX },
    onEnqueueFailure: (trackingCode, error) => log.error({ trackingCode, err: error }, 'could not enqueue a confirmed submission; the recovery sweep will'),
    onSendFailure: (chat, error) => log.warn({ channel: chat.channel, err: error }, 'the replies to a message already taken could not be delivered'),
    onEffectFailure: (chat, effect, error) => log.error({ channel: chat.channel, effect, err: error }, "a citizen's reply or rating could not be stored; they were asked to send it again"),
    desk: cases.desk,
    citizenCases: caseHooks.citizenCases,
    ...(options.newCode ? { newCode: options.newCode } : {}),
  };
  const metrics = createMetrics({ queues: { intake: queues.intake, notify: queues.notify, maintenance: queues.maintenance, deadlines: queues.deadlines }, countDeadlineBreaches: () => db.complaintEvent.count({ where: { type: 'DEADLINE_BREACHED' } }) });
  if (whatsapp && (role === 'all' || role === 'channels')) metrics.registerChannelHealth('WHATSAPP', () => (whatsapp.runtime.state().phase === 'open' ? 1 : 0));
  if (telegram) metrics.registerChannelHealth('TELEGRAM', () => telegram.runtime.health());
  const webhooks = buildWebhooks({ config, db, sealer: webhookSecrets, log, queueConnection, workerConnection, metrics, now });
  metrics.observeQueue('webhooks', webhooks.queue);
  const handleInbound = createInboundHandler(inboundDeps);
  const handle = (message: InboundMessage) => {
    metrics.countInbound(message.channel);
    return handleInbound(message);
  };
  const startFlow = createFlowStarter(inboundDeps, now);
  // An officer's reply to a notice is their answer to the citizen, on whichever channel the citizen filed.
  const telegramQuotes = withOfficerAnswers({
    handle,
    isOfficer: async (senderId) => Boolean((await cases.casework.cases.findOfficerByIdentity('TELEGRAM', senderId))?.active),
    citizenReply: replyToComplaint({ citizenCases: caseHooks.citizenCases, redis, prefix, flows, config }),
  });
  telegram?.runtime.attach(handle, telegramQuotes, groups?.groups);

  const recovery = { store: complaints, intake: intakeQueue, notifications: notificationQueue };
  const recover = () => recoverAllPendingSubmissions(recovery, new Date(now().getTime() + 1));

  let workers: Worker[] = [];
  if (role === 'all' || role === 'worker') {
    workers = startWorkers({
      connection: workerConnection,
      prefix,
      concurrency: config.WORKER_CONCURRENCY,
      log,
      intake: { store: complaints, notifications: notificationQueue, afterStore, now },
      notify: { store: complaints, sender: channels, texts: flows.texts, startFlow, now },
      deadlines: cases.deadlines,
      recovery,
      expiry: {
        sessions,
        sender: channels,
        flows,
        idleMinutes: config.SESSION_IDLE_MINUTES,
        onSendFailure: (chat, error) => log.warn({ channel: chat.channel, err: error }, 'could not tell a citizen their idle form ended'),
      },
      recoveryGraceMs: 30_000,
      ...(whatsapp ? { pruneWhatsAppSent: (at: Date) => whatsapp.records.pruneSent(new Date(at.getTime() - config.WHATSAPP_SENT_RETENTION_DAYS * 86_400_000)) } : {}),
      now,
    });
    // In the background: after a Redis loss with a large backlog it walks every pending submission,
    // and start-up (readiness, the HTTP server) must not wait for that.
    void recover().then(
      (count) => {
        if (count > 0) log.warn({ count }, 're-enqueued confirmed submissions left pending');
      },
      (error: unknown) => log.error({ err: error }, 'start-up recovery failed; the periodic sweep will retry'),
    );
    const scheduleSweeps = () => queues.maintenance.upsertJobScheduler('recover-pending', { every: config.RECOVERY_INTERVAL_SECONDS * 1000 }, { name: 'recover' });
    await scheduleSweeps();
    // The schedule lives in Redis: a Redis that comes back empty (no persistence) has lost it, so put it back on every reconnect.
    queueConnection.on('ready', () => void scheduleSweeps().catch((error: unknown) => log.warn({ err: error }, 'could not re-create the sweep schedule')));
    // Outgoing webhooks: their own queue and worker, so a receiver that is down holds up nothing else.
    workers.push(await webhooks.start());
    queueConnection.on('ready', () => void webhooks.schedule().catch((error: unknown) => log.warn({ err: error }, 'could not re-create the webhook scan schedule')));
  }
  // Telegram updates are queued on arrival (webhook or polling) and handled by this worker.
  if (telegram && role !== 'web') workers.push(telegram.runtime.startSender(), telegram.runtime.startReceiver());
  // The socket lives in one process (all | channels): it receives, and only it sends WhatsApp messages.
  if (whatsapp && (role === 'all' || role === 'channels')) {
    attachWhatsApp(whatsapp, { handle, cases, citizenCases: caseHooks.citizenCases, redis, flows, config });
    await whatsapp.runtime.connect();
    workers.push(whatsapp.runtime.startSender());
  }
  metrics.observeWorkers(workers);

  let http: FastifyInstance | undefined;
  if (role === 'all' || role === 'web') {
    const figures: FiguresDeps = { findRows: (from, to, at) => findFigureRows(db, from, to, at), findLabels: () => findFigureLabels(db), calendar: () => cases.deadlines.calendar, timeZone: config.TIME_ZONE, now };
    http = await buildServer({
      log,
      trustProxy: config.TRUST_PROXY,
      publicDir: join(projectRoot, 'public'),
      readiness: {
        postgres: () => db.$queryRaw`SELECT 1`,
        redis: () => redis.ping(),
      },
      ...(whatsapp && role === 'all' ? { details: { whatsapp: () => whatsapp.runtime.state() } } : {}),
      webchat: {
        handle,
        outbox: webchat,
        saveMedia: (input) => media.save({ channel: 'WEBCHAT', ...input }),
        limiter,
        texts: flows.texts,
        language: config.DEFAULT_LANGUAGE,
        ratePerMinute: config.WEBCHAT_RATE_LIMIT,
        ipRatePerMinute: config.WEBCHAT_IP_RATE_LIMIT,
        maxUploadBytes: config.MEDIA_MAX_BYTES,
        now,
      },
      figures: { figures, guard: requireAdmin(options.authenticateAdmin ?? admin.authenticate), publicMaxAgeSeconds: config.PUBLIC_FIGURES_MAX_AGE_SECONDS },
      ...(config.PUBLIC_COMPLAINT_LIST ? { publicComplaints: { findPage: (filter) => findPublicComplaints(db, filter), figures, texts: flows.texts } } : {}),
      open311: {
        store: new PgOpen311Store(db),
        enqueueIntake: (code) => intakeQueue.enqueueIntake(code),
        trackingCodePrefix: config.TRACKING_CODE_PREFIX,
        defaultRegionCode: config.DEFAULT_REGION_CODE,
        statusName: (status) => flows.texts.t(`status_${status}`, 'id'),
        now,
        ...(options.newCode ? { newCode: options.newCode } : {}),
      },
      ...(config.METRICS_ENABLED ? { metrics: { contentType: metrics.registry.contentType, render: () => metrics.registry.metrics() } } : {}),
    });
    await admin.register(http, [queues.intake, queues.notify, queues.deadlines, queues.maintenance, webhooks.queue]);
    // Files of the agencies' answers, for the web chat that filed the complaint.
    registerAnswerFiles(http, new MediaReader(db, resolvePath(config.MEDIA_DIR)));
    if (telegram && config.TELEGRAM_MODE === 'webhook' && config.TELEGRAM_WEBHOOK_SECRET) {
      telegram.runtime.registerWebhook(http, { secret: config.TELEGRAM_WEBHOOK_SECRET });
    }
    // The pairing QR exists where the socket lives; operators only.
    if (whatsapp && role === 'all') whatsapp.runtime.registerAdminRoutes(http, requireAdmin(options.authenticateAdmin ?? admin.authenticate, ['OPERATOR']));
  }
  if (telegram && config.TELEGRAM_MODE === 'polling' && (role === 'all' || role === 'channels')) await telegram.runtime.startPolling();

  const close = async () => {
    clearInterval(catalogTimer);
    cases.stop();
    admin.stop();
    if (http) await http.close();
    await telegram?.runtime.close();
    await whatsapp?.runtime.close();
    await Promise.all(workers.map((w) => w.close()));
    await queues.close();
    await webhooks.queue.close();
    await Promise.all([redis.quit(), workerConnection.quit(), queueConnection.quit()].map((p) => p.catch(() => undefined)));
    await db.$disconnect();
    await pool.end().catch(() => undefined);
  };

  return { flows, db, pool, redis, queues, ...(http ? { http } : {}), workers, handle, webchat, ...(telegram ? { telegram } : {}), ...(whatsapp ? { whatsapp } : {}), cases, metrics, webhooks, authenticateAdmin: admin.authenticate, reloadCalendar: admin.reloadCalendar, recover, close };
}

