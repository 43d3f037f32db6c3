/**
 * Start-up database work: wait for PostgreSQL, create the database if it is missing, apply pending
 * migrations with `prisma migrate deploy` (through the schema-engine shim, see README).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from 'pino';

export interface DatabaseTarget {
  url: string;
  name: string;
  /** The same server, database "postgres": where CREATE DATABASE runs. */
  maintenanceUrl: string;
}

export function describeDatabase(databaseUrl: string): DatabaseTarget {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = '/postgres';
  return { url: databaseUrl, name, maintenanceUrl: maintenance.toString() };
}

/** host:port only: URLs may carry passwords, logs must not. */
export const safeLocation = (databaseUrl: string) => {
  const url = new URL(databaseUrl);
  return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
};

/** Waits for the server (retrying with backoff up to `maxWaitMs`), then creates the database if needed. */
export async function ensureDatabase(target: DatabaseTarget, log: Logger, maxWaitMs = 120_000): Promise<void> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({ connectionString: target.maintenanceUrl, connectionTimeoutMillis: 3_000 });
    try {
      await client.connect();
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [target.name]);
      if (exists.rowCount === 0) {
        await client.query(`CREATE DATABASE "${target.name.replace(/"/g, '""')}"`);
        log.info({ database: target.name }, 'created database');
      }
      return;
    } catch (error) {
      if (isAlreadyExists(error)) return;
      const waited = Date.now() - started;
      if (waited >= maxWaitMs || !isTransient(error)) {
        throw new Error(`PostgreSQL at ${safeLocation(target.url)} is not usable: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      const delay = Math.min(500 * 2 ** attempt, 10_000);
      log.warn({ attempt, retryInMs: delay, reason: error instanceof Error ? error.message : String(error) }, `PostgreSQL at ${safeLocation(target.url)} unreachable; retrying`);
      await sleep(delay);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

function isAlreadyExists(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '42P04';
}

function isTransient(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  return ['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', '57P03', '53300'].includes(code) || /timeout|terminated/i.test(String(error));
}

/** Runs `prisma migrate deploy` for the database; rejects with Prisma's own output on failure. */
export async function migrateDatabase(databaseUrl: string, projectRoot: string, log: Logger): Promise<void> {
  const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');
  const output: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [prismaCli, 'migrate', 'deploy'], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.on('error', reject);
    child.on('close', (exit) => resolve(exit ?? 1));
  });
  const text = output.join('').trim();
  if (code !== 0) throw new Error(`prisma migrate deploy failed (exit ${code}):\n${text}`);
  const applied = text.split('\n').filter((l) => /applied|No pending/i.test(l));
  log.info({ database: safeLocation(databaseUrl) }, applied.join(' ') || 'migrations up to date');
}

/** Drops a throwaway database (tests, the benchmark), closing its connections first. */
export async function dropDatabase(target: DatabaseTarget): Promise<void> {
  const client = new pg.Client({ connectionString: target.maintenanceUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${target.name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
