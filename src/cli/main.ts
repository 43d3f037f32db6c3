/**
 * Operator commands: `npm run cli -- <command>`.
 *   seed                         load or update prisma/seed/*.yaml (upsert by code)
 *   check-flows                  validate conversations/ and exit
 *   jobs failed [queue]          list jobs that failed for good (queues: intake, notify, maintenance)
 *   jobs retry <queue> <id|all>  send failed jobs back to the queue
 *   recover                      re-enqueue every confirmed submission not yet stored
 */
import { isAbsolute, join } from 'node:path';
import type { Queue } from 'bullmq';
import { projectRoot, prepareDatabase } from '../app.js';
import { parseConfig, type Config } from '../config.js';
import { FlowFileError, loadFlowSet } from '../engine/index.js';
import { BullIntakeQueue, createQueues, type Queues } from '../queue/queues.js';
import { recoverPendingSubmissions } from '../services/recovery.js';
import { PgComplaintStore } from '../store/complaints.js';
import { createDb } from '../store/prisma.js';
import { createRedis } from '../store/redis.js';
import { applySeed, readSeed } from '../store/seed.js';
import pino from 'pino';

const USAGE = 'usage: npm run cli -- seed | check-flows | jobs failed [queue] | jobs retry <queue> <id|all> | recover';
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
  if (name === 'intake' || name === 'notify' || name === 'maintenance') return queues[name];
  return fail(`unknown queue "${name ?? ''}": expected intake, notify or maintenance`);
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
          const names = rest[0] ? [rest[0]] : ['intake', 'notify', 'maintenance'];
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
      const db = createDb(config.DATABASE_URL);
      try {
        const count = await withQueues(config, (queues) =>
          recoverPendingSubmissions({ store: new PgComplaintStore(db), intake: new BullIntakeQueue(queues.intake) }, new Date()),
        );
        console.log(`re-enqueued ${count}`);
      } finally {
        await db.$disconnect();
      }
      return;
    }
    default:
      fail(USAGE);
  }
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof FlowFileError ? error.message : `error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
