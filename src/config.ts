/**
 * The whole configuration: one zod schema over the environment, parsed once by main.ts.
 * A bad or missing value is reported as one line per variable, then the process stops.
 */
import { z } from 'zod';
import { parseKey32 } from './store/secret-sealer.js';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));
const positiveInt = z.coerce.number().int().positive();
/** A 32-byte key (WHATSAPP_AUTH_KEY, WEBHOOK_SECRETS_KEY), as secret-sealer.ts's parseKey32 reads it. */
const key32 = z.string().refine((v) => parseKey32(v) !== null, { error: '32 bytes as 64 hex characters or base64 (openssl rand -hex 32)' });

export const ConfigSchema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'a postgresql:// URL' }).default('postgresql://postgres@127.0.0.1:5432/aduan'),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'a redis:// or rediss:// URL' }).default('redis://127.0.0.1:6379'),
  /**
   * Prefix of every Redis key (BullMQ queues, locks, rate limits), so deployments can share a Redis.
   * In braces it is a Redis Cluster hash tag: every key lands in one slot, as BullMQ's scripts need.
   */
  REDIS_PREFIX: z
    .string()
    .regex(/^(\{[A-Za-z0-9_-]+\})?[A-Za-z0-9_-]*$/, { error: 'letters, digits, _ - only, optionally starting with a {hash tag} such as {aduan}' })
    .min(1)
    .default('{aduan}'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(1, { error: 'a port number 1-65535' }).max(65535, { error: 'a port number 1-65535' }).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** all | web | worker | channels (also settable with --role). */
  ROLE: z.enum(['all', 'web', 'worker', 'channels']).default('all'),
  TRACKING_CODE_PREFIX: z.string().regex(/^[A-Z]{2,5}$/, { error: '2 to 5 capital letters A-Z' }).default('ADU'),
  DEFAULT_LANGUAGE: z.enum(['id', 'en']).default('id'),
  /** The time zone of the deployment's region: Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT). */
  TIME_ZONE: z.string().refine(isTimeZone, { error: 'an IANA time zone such as Asia/Jakarta' }).default('Asia/Jakarta'),
  /** The region a report belongs to when its address names no kecamatan (a Kemendagri code). */
  DEFAULT_REGION_CODE: z.string().regex(/^\d{2}(\.\d{2}){0,3}$/, { error: 'a Kemendagri region code such as 35.73' }).default('35.73'),
  SESSION_IDLE_MINUTES: positiveInt.default(60),
  CONVERSATIONS_DIR: z.string().min(1).default('conversations'),
  SEED_DIR: z.string().min(1).default('prisma/seed'),
  /** Yearly holiday and cuti bersama files for the working-day calendar. */
  CALENDAR_DIR: z.string().min(1).default('calendar'),
  /** Hours an officer's one-time link code stays valid. */
  OFFICER_LINK_CODE_HOURS: positiveInt.default(72),
  /** Sign answers to citizens with the officer's name (default: the agency answers). */
  SHOW_OFFICER_NAMES: bool.default(false),
  /** Working days before a deadline when the responsible officers are reminded. */
  DEADLINE_REMINDER_DAYS: positiveInt.default(1),
  /** Load the seed data when the database has no agencies yet. */
  AUTO_SEED: bool.default(true),
  /** Longest a database statement of the service may run before PostgreSQL cancels it (the caller gets an error); 0: none set by the service. */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0, { error: 'milliseconds, 0 for no limit' }).default(30_000),
  /** Apply pending migrations at start (npm start); turn off where a release job migrates. */
  AUTO_MIGRATE: bool.default(true),
  MEDIA_DIR: z.string().min(1).default('data/media'),
  MEDIA_MAX_BYTES: positiveInt.default(10 * 1024 * 1024),
  LOOKUP_LIMIT: positiveInt.default(10),
  LOOKUP_WINDOW_MINUTES: positiveInt.default(10),
  /** Messages per minute one web chat may send before it is slowed down. */
  WEBCHAT_RATE_LIMIT: positiveInt.default(60),
  WEBCHAT_HISTORY: positiveInt.default(200),
  /** Web chat messages per minute from one client address, whatever chat ids it makes up. */
  WEBCHAT_IP_RATE_LIMIT: positiveInt.default(600),
  /** Which proxies may set X-Forwarded-For: false, true, a hop count, or addresses/CIDRs (comma-separated). */
  TRUST_PROXY: z.string().min(1).default('loopback'),
  WORKER_CONCURRENCY: positiveInt.default(8),
  RECOVERY_INTERVAL_SECONDS: positiveInt.default(60),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(15_000),
  /** Enables the Telegram channel (from @BotFather). */
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, { error: 'a bot token such as 123456:ABC-DEF… from @BotFather' }).optional(),
  /** A self-hosted Bot API server (also lifts the 20 MB download limit); default https://api.telegram.org. */
  TELEGRAM_API_ROOT: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).optional(),
  /** polling (one process receives; default) or webhook (POST /telegram/webhook behind HTTPS). */
  TELEGRAM_MODE: z.enum(['polling', 'webhook']).default('polling'),
  /** The secret_token given to setWebhook; required in webhook mode. */
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, { error: '16-256 of A-Z a-z 0-9 _ -' }).optional(),
  /** Largest file a citizen may send through Telegram (capped at 20 MB unless TELEGRAM_API_ROOT is set). */
  TELEGRAM_MAX_FILE_BYTES: positiveInt.default(20 * 1024 * 1024),
  /** Enables the WhatsApp channel (Baileys; an unofficial client: use a dedicated number). */
  WHATSAPP_ENABLED: bool.default(false),
  /** Encrypts the WhatsApp session at rest (AES-256-GCM): 32 bytes as 64 hex characters or base64 (openssl rand -hex 32). */
  WHATSAPP_AUTH_KEY: key32.optional(),
  /** Pair by code for this number (country code, digits) instead of scanning the QR. */
  WHATSAPP_PAIRING_NUMBER: z.string().regex(/^\+?[0-9][0-9 -]{6,20}$/, { error: 'a phone number with country code, such as 6281234567890' }).optional(),
  /** Smallest gap between two bot messages to one WhatsApp chat (ms). */
  WHATSAPP_CHAT_GAP_MS: z.coerce.number().int().min(0).default(1000),
  /** Bot messages per second across all WhatsApp chats. */
  WHATSAPP_GLOBAL_PER_SECOND: positiveInt.default(2),
  /** Messages one WhatsApp number may send per window before it gets a polite "wait" (once per window). */
  WHATSAPP_FLOOD_LIMIT: positiveInt.default(20),
  WHATSAPP_FLOOD_WINDOW_SECONDS: positiveInt.default(60),
  /** Largest media a citizen may send through WhatsApp; checked from fileLength before downloading. */
  WHATSAPP_MAX_FILE_BYTES: positiveInt.default(16 * 1024 * 1024),
  /** Days the copies of sent WhatsApp messages keep their content for WhatsApp's retries (getMessage). */
  WHATSAPP_SENT_RETENTION_DAYS: positiveInt.default(14),
  /** Seconds the public figures (/api/public/figures) may be cached by browsers, proxies and the server. */
  PUBLIC_FIGURES_MAX_AGE_SECONDS: positiveInt.default(300),
  /** List complaints that are not rahasia on the transparency page (/api/public/complaints): category, title, status, agency, region. */
  PUBLIC_COMPLAINT_LIST: bool.default(true),
  /** Serve GET /metrics (Prometheus); keep it off the public internet (reverse proxy) or turn it off. */
  METRICS_ENABLED: bool.default(true),
  /** Outgoing webhooks: how long a receiver may take to answer (ms). */
  WEBHOOK_TIMEOUT_MS: positiveInt.default(10_000),
  /** Attempts per delivery before it is kept as FAILED; retries back off exponentially from WEBHOOK_RETRY_BASE_MS. */
  WEBHOOK_ATTEMPTS: positiveInt.default(10),
  WEBHOOK_RETRY_BASE_MS: positiveInt.default(5_000),
  /** How often new complaint events are scanned into deliveries. */
  WEBHOOK_SCAN_INTERVAL_SECONDS: positiveInt.default(5),
  /** How long a gap in event ids (a transaction not yet committed) is waited for before it is taken as rolled back. */
  WEBHOOK_GAP_WAIT_SECONDS: positiveInt.default(30),
  /** Refuse http:// webhook URLs (set it in production). */
  WEBHOOK_REQUIRE_HTTPS: bool.default(false),
  /** Seals webhook signing secrets in the database (AES-256-GCM); unset: they are stored as they are. */
  WEBHOOK_SECRETS_KEY: key32.optional(),
}).superRefine((config, ctx) => {
  if (config.WHATSAPP_ENABLED && !config.WHATSAPP_AUTH_KEY) {
    ctx.addIssue({ code: 'custom', path: ['WHATSAPP_AUTH_KEY'], message: '32 bytes as 64 hex characters or base64 when WHATSAPP_ENABLED=true (openssl rand -hex 32)' });
  }
  if (config.TELEGRAM_BOT_TOKEN && config.TELEGRAM_MODE === 'webhook' && !config.TELEGRAM_WEBHOOK_SECRET) {
    ctx.addIssue({ code: 'custom', path: ['TELEGRAM_WEBHOOK_SECRET'], message: 'a secret (16-256 of A-Z a-z 0-9 _ -) when TELEGRAM_MODE=webhook' });
  }
});
export type Config = z.infer<typeof ConfigSchema>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/** Empty strings count as unset, so `PORT=` in a .env file falls back to the default. */
export function parseConfig(env: NodeJS.ProcessEnv): ConfigResult {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = ConfigSchema.safeParse(cleaned);
  if (result.success) return { ok: true, config: result.data };
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(environment)');
    const given = cleaned[name];
    return `${name}: expected ${issue.message.replace(/^Invalid input: expected /, '')}${given === undefined ? '' : ` (got "${redact(name, given)}")`}`;
  });
  return { ok: false, problems };
}

/**
 * Connection URLs may carry passwords: echo only scheme, host and path, with the credentials shown
 * as *** and no query string; what does not parse as a URL with a host is echoed only if it cannot
 * hold a credential.
 */
function redact(name: string, value: string): string {
  if (!/URL|TOKEN|SECRET|PASSWORD|AUTH_KEY/.test(name)) return value;
  // A token or secret is never echoed, even a malformed one.
  if (/TOKEN|SECRET|PASSWORD|AUTH_KEY/.test(name)) return '(hidden)';
  const hidden = /@|password|secret|token/i.test(value) ? '(hidden)' : value;
  try {
    const url = new URL(value);
    if (!url.host) return hidden;
    const credentials = url.username || url.password ? '***@' : '';
    return `${url.protocol}//${credentials}${url.host}${url.pathname === '/' && !value.endsWith('/') ? '' : url.pathname}`;
  } catch {
    return hidden;
  }
}
