/**
 * Operator commands: `npm run cli -- <command>`.
 *   seed                         load or update prisma/seed/*.yaml (upsert by code)
 *   check-flows                  validate conversations/ and exit
 *   jobs failed [queue]          list jobs that failed for good (queues: intake, notify, maintenance)
 *   jobs retry <queue> <id|all>  send failed jobs back to the queue
 *   recover                      re-enqueue every confirmed submission not yet stored
 *   officer create --name N --role ADMIN_KOORDINATOR|ADMIN_INSTANSI|PEJABAT_PENGHUBUNG --agency CODE
 *                                create an officer; prints the one-time link code ("daftar <code>"); audited
 *   officer code <id>            a new link code for an officer
 *   officer deactivate <id> | officer activate <id> | officer list
 *   whatsapp status | whatsapp logout   the stored WhatsApp session; logout deletes it (pair again)
 *   admin … | import … | holiday … | audit …   admin users and tokens, CSV imports, holiday changes (src/cli/admin.ts)
 *   open311 key --name N         a new Open311 client api_key (printed once, stored hashed)
 *   figures [--from D] [--to D] [--agency CODE] [--region CODE] [--format json|csv]   monitoring figures
 *   webhook add|list|rotate|disable|enable|remove|deliveries|redeliver   outgoing webhooks (src/cli/webhooks.ts)
 */
import { isAbsolute, join } from 'node:path';
import type { Queue } from 'bullmq';
import { projectRoot, prepareDatabase } from '../app.js';
import { parseConfig, type Config } from '../config.js';
import { FlowFileError, loadFlowSet } from '../engine/index.js';
import { BullIntakeQueue, createQueues, type Queues } from '../queue/queues.js';
import { recoverAllPendingSubmissions } from '../services/recovery.js';
import { PgComplaintStore } from '../store/complaints.js';
import { createDb, createPool, type Db } from '../store/prisma.js';
import { createRedis } from '../store/redis.js';
import { applySeed, readSeed } from '../store/seed.js';
import pino, { type Logger } from 'pino';
import { clearWhatsAppSession, describeWhatsAppSession } from '../store/whatsapp-auth.js';
import { ADMIN_USAGE, runAdminCommand } from './admin.js';
import { CliError, flag } from './args.js';
import { figuresCommand } from './figures.js';
import { PgOpen311Store } from '../store/open311.js';
import { runOfficerCommand } from './officers.js';
import { runWebhookCommand, WEBHOOK_USAGE } from './webhooks.js';
import { SecretSealer } from '../store/secret-sealer.js';

const USAGE = 'usage: npm run cli -- seed | check-flows | jobs failed [queue] | jobs retry <queue> <id|all> | recover | officer create|code|deactivate|activate|list | whatsapp status|logout | open311 key --name N | figures [--from D] [--to D] [--agency CODE] [--region CODE] [--format json|csv]\n  ' + ADMIN_USAGE + '\n  ' + WEBHOOK_USAGE;
const path = (p: string) => (isAbsolute(p) ? p : join(projectRoot, p));

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

async function withQueues<T>(config: Config, run: (queues: Queues) => Promise<T>): Promise<T> {
  const connection = createRedis(config.REDIS_URL);
  const queues = createQueues(connection, config.REDIS_PREFIX);
  try {
    return await run(queues);
  } finally {
    await queues.close();
    connection.disconnect();
  }
}

function pickQueue(queues: Queues, name: string | undefined): Queue {
  if (name === 'intake' || name === 'notify' || name === 'maintenance' || name === 'deadlines') return queues[name];
  return fail(`unknown queue "${name ?? ''}": expected intake, notify, maintenance or deadlines`);
}

async function main(args: string[]): Promise<void> {
  const parsed = parseConfig(process.env);
  if (!parsed.ok) fail(`Configuration problems:\n${parsed.problems.map((p) => `  ${p}`).join('\n')}`);
  const config = parsed.config;
  const log = pino({ level: 'warn' });
  const [command, sub, ...rest] = args;

  switch (command) {
    case 'seed': {
      await prepareDatabase(config, log);
      const db = createDb(config.DATABASE_URL);
      try {
        console.log(JSON.stringify(await applySeed(db, await readSeed(path(config.SEED_DIR)))));
      } finally {
        await db.$disconnect();
      }
      return;
    }
    case 'check-flows': {
      const flows = await loadFlowSet(path(config.CONVERSATIONS_DIR));
      console.log(`ok: ${[...flows.flows.keys()].join(', ')}`);
      return;
    }
    case 'jobs':
      return withQueues(config, async (queues) => {
        if (sub === 'failed') {
          const names = rest[0] ? [rest[0]] : ['intake', 'notify', 'maintenance', 'deadlines'];
          for (const name of names) {
            for (const job of await pickQueue(queues, name).getFailed()) {
              console.log(`${name}\t${job.id ?? '?'}\tattempts=${job.attemptsMade}\t${new Date(job.finishedOn ?? job.timestamp).toISOString()}\t${job.failedReason}`);
            }
          }
        } else if (sub === 'retry') {
          const queue = pickQueue(queues, rest[0]);
          const jobs = rest[1] === 'all' ? await queue.getFailed() : [await queue.getJob(rest[1] ?? '')].filter((j) => j !== undefined);
          if (jobs.length === 0) fail(`no failed job "${rest[1] ?? ''}" in ${rest[0] ?? ''}`);
          for (const job of jobs) await job.retry('failed');
          console.log(`retried ${jobs.length}`);
        } else fail(USAGE);
      });
    case 'recover': {
      const pool = createPool(config.DATABASE_URL, (error) => log.warn({ err: error }, 'database connection dropped'), { statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS });
      const db = createDb(pool);
      try {
        const count = await withQueues(config, (queues) =>
          recoverAllPendingSubmissions({ store: new PgComplaintStore(db, pool), intake: new BullIntakeQueue(queues.intake) }, new Date()),
        );
        console.log(`re-enqueued ${count}`);
      } finally {
        await db.$disconnect();
        await pool.end().catch(() => undefined);
      }
      return;
    }
    case 'officer':
      return printWithDb(config, log, (db) => runOfficerCommand(db, sub, rest, { now: new Date(), linkCodeHours: config.OFFICER_LINK_CODE_HOURS }));
    case 'whatsapp': {
      if (sub !== 'status' && sub !== 'logout') fail(USAGE);
      const db = createDb(config.DATABASE_URL);
      try {
        if (sub === 'logout') console.log(`deleted ${await clearWhatsAppSession(db)} session rows; restart the channel process and pair again`);
        else console.log(JSON.stringify(await describeWhatsAppSession(db)));
      } finally {
        await db.$disconnect();
      }
      return;
    }
    case 'admin':
    case 'import':
    case 'holiday':
    case 'audit':
      return printWithDb(config, log, (db) => runAdminCommand(db, command, sub, rest));
    case 'open311': {
      const name = flag(rest, 'name');
      if (sub !== 'key' || !name) fail('usage: open311 key --name <client name>   (prints the api_key once; it is stored hashed)');
      return printWithDb(config, log, async (db) => {
        const issued = await new PgOpen311Store(db).issueKey(name);
        return `open311 client ${issued.id}\napi_key ${issued.apiKey} (shown once)`;
      });
    }
    case 'webhook':
      return printWithDb(config, log, (db) => runWebhookCommand(db, sub, rest, { requireHttps: config.WEBHOOK_REQUIRE_HTTPS, sealer: new SecretSealer(config.WEBHOOK_SECRETS_KEY) }));
    case 'figures':
      console.log(await figuresCommand(config, [sub, ...rest].filter((a) => a !== undefined)).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error))));
      return;
    default:
      fail(USAGE);
  }
}

/** A command on the migrated database: prints what it returns; a CliError is the whole answer (exit 2). */
async function printWithDb(config: Config, log: Logger, run: (db: Db) => Promise<string>): Promise<void> {
  await prepareDatabase(config, log);
  const db = createDb(config.DATABASE_URL);
  try {
    console.log(await run(db));
  } catch (error) {
    if (error instanceof CliError) fail(error.message);
    throw error;
  } finally {
    await db.$disconnect();
  }
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof FlowFileError ? error.message : `error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
