/**
 * The composition root: `npm start`. Reads the configuration once, builds the service for the
 * requested role (--role all|web|worker|channels, or ROLE) and shuts it down gracefully.
 */
import { createApp, type Role } from './app.js';
import { createLogger } from './wiring/logger.js';
import { parseConfig } from './config.js';
import { TelegramStartError } from './channels/telegram/index.js';
import { FlowFileError } from './engine/index.js';
import { CalendarFileError } from './store/calendar-files.js';
import { SecretSealError } from './store/secret-sealer.js';

const ROLES: readonly Role[] = ['all', 'web', 'worker', 'channels'];

function roleFromArgs(argv: readonly string[]): Role | undefined {
  const index = argv.findIndex((a) => a === '--role' || a.startsWith('--role='));
  if (index < 0) return undefined;
  const arg = argv[index] ?? '';
  const value = arg.includes('=') ? arg.split('=')[1] : argv[index + 1];
  const role = ROLES.find((r) => r === value);
  if (!role) {
    console.error(`--role: expected one of ${ROLES.join(', ')} (got "${value ?? ''}")`);
    process.exit(2);
  }
  return role;
}

async function main(): Promise<void> {
  const parsed = parseConfig(process.env);
  if (!parsed.ok) {
    console.error(`Configuration problems (see .env.example):\n${parsed.problems.map((p) => `  ${p}`).join('\n')}`);
    process.exit(2);
  }
  const config = parsed.config;
  const role = roleFromArgs(process.argv.slice(2)) ?? config.ROLE;
  // Secrets removed by path; phone numbers and NIK masked in every message and value (wiring/logger.ts).
  const log = createLogger(config.LOG_LEVEL);

  let app: Awaited<ReturnType<typeof createApp>>;
  try {
    app = await createApp({ config, role, log });
  } catch (error) {
    if (error instanceof FlowFileError || error instanceof CalendarFileError || error instanceof TelegramStartError || error instanceof SecretSealError) console.error(error.message);
    else log.fatal({ err: error }, 'start-up failed');
    process.exit(1);
  }
  if (app.http) {
    await app.http.listen({ host: config.HOST, port: config.PORT });
  }
  log.info({ role, port: app.http ? config.PORT : undefined, workers: app.workers.length }, 'Aduan is running');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing work in flight');
    const timer = setTimeout(() => {
      log.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

await main();
