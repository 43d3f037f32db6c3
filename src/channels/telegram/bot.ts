/**
 * The grammY Bot: its HTTP client (fetch and apiRoot injectable), the middleware that hands each
 * polled update on (to the inbound queue, see inbox.ts) one at a time per chat, start-up checks,
 * and long polling with @grammyjs/runner.
 */
import { run, sequentialize, type RunnerHandle } from '@grammyjs/runner';
import { Api, Bot, GrammyError } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from 'pino';

export const DEFAULT_API_ROOT = 'https://api.telegram.org';
/** HTTP timeout of one Bot API call; getUpdates long-polls for 30 s. */
export const CLIENT_TIMEOUT_SECONDS = 60;
/**
 * A send (message or topic change) not answered within this long is abandoned and retried by the
 * queue. Telegram has no idempotency key: if the abandoned request did reach Telegram, the citizen
 * gets that message twice (at least once, never lost); 429 and 5xx answers are never duplicated.
 */
export const SEND_TIMEOUT_MS = 20_000;

/** The menu Telegram shows beside the input field. */
export const BOT_COMMANDS = [
  { command: 'start', description: 'Menu utama' },
  { command: 'lapor', description: 'Buat laporan baru' },
  { command: 'status', description: 'Cek status laporan: /status KODE' },
  { command: 'batal', description: 'Batalkan laporan yang sedang diisi' },
  { command: 'kembali', description: 'Kembali ke pertanyaan sebelumnya' },
  { command: 'bahasa', description: 'Ganti bahasa / switch language' },
  { command: 'bantuan', description: 'Bantuan' },
];

/** Updates the channel reads; others are never delivered. */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member'] as const;

export class TelegramStartError extends Error {}

/**
 * Channel health for /metrics from what the Bot API answered last: 1 when it answered (any 4xx but
 * 401 still means reachable and the token accepted), 0 after a network error, a timeout, a 5xx or a
 * 401. Starts at 1: a process that has not called yet has nothing against it.
 */
export class ApiHealth {
  private up: 0 | 1 = 1;

  state(): 0 | 1 {
    return this.up;
  }

  watch(api: Api): void {
    api.config.use(async (prev, method, payload, signal) => {
      try {
        const result = await prev(method, payload, signal);
        this.up = result.ok || (result.error_code !== 401 && result.error_code < 500) ? 1 : 0;
        return result;
      } catch (error) {
        this.up = 0;
        throw error;
      }
    });
  }
}

/** The client the sender worker uses: the bot's, with {@link SEND_TIMEOUT_MS} instead of the long poll's timeout. */
export function createSendApi(options: { token: string; apiRoot?: string | undefined; fetch?: typeof fetch | undefined; timeoutMs: number }): Api {
  return new Api(options.token, {
    ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    timeoutSeconds: options.timeoutMs / 1000,
  });
}

export function createBot(options: { token: string; apiRoot?: string | undefined; fetch?: typeof fetch | undefined; log: Logger; onUpdate: (update: Update) => Promise<void> }): Bot {
  const bot = new Bot(options.token, {
    client: {
      ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      // Above the runner's 30 s long poll; a send that hangs this long is retried by the queue.
      timeoutSeconds: CLIENT_TIMEOUT_SECONDS,
    },
  });
  // One update at a time per chat (and per sender), across the runner's concurrency.
  bot.use(sequentialize((ctx) => [ctx.chat?.id, ctx.from?.id].filter((id) => id !== undefined).map(String)));
  bot.use(async (ctx) => {
    await options.onUpdate(ctx.update);
  });
  bot.catch((error) => options.log.error({ err: error.error, updateId: error.ctx.update.update_id }, 'telegram update failed'));
  return bot;
}

/**
 * getMe (bot.init): a refused token stops start-up with one clear line. setMyCommands failing is
 * only logged: the bot works without its command menu.
 */
export async function initBot(bot: Bot, log: Logger, options: { setCommands: boolean }): Promise<void> {
  try {
    await bot.init();
  } catch (error) {
    if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404)) {
      throw new TelegramStartError(`TELEGRAM_BOT_TOKEN was refused by the Bot API (${error.error_code} ${error.description}): check the token from @BotFather`);
    }
    throw new TelegramStartError(`Telegram Bot API unreachable at start (getMe): ${error instanceof Error ? error.message : String(error)}`);
  }
  log.info({ username: bot.botInfo.username }, 'telegram bot ready');
  if (!options.setCommands) return;
  await bot.api.setMyCommands(BOT_COMMANDS).catch((error: unknown) => log.warn({ err: error }, 'setMyCommands failed; continuing without the command menu'));
}

/** Long polling: the webhook is removed first (a failure there is logged; getUpdates then says why). */
export async function startPolling(bot: Bot, log: Logger): Promise<RunnerHandle> {
  await bot.api.deleteWebhook().catch((error: unknown) => log.warn({ err: error }, 'deleteWebhook failed; polling anyway'));
  return run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
}
