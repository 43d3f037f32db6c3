/**
 * Integration runs get their own database (created and migrated here with the same code `npm start`
 * uses, dropped afterwards) and their own Redis key prefix.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import type { TestProject } from 'vitest/node';
import { projectRoot } from '../../src/app.js';
import { describeDatabase, dropDatabase, ensureDatabase, migrateDatabase } from '../../src/store/database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const base = new URL(process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/aduan_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const databaseUrl = base.toString();
  const log = pino({ level: 'warn' });
  await ensureDatabase(describeDatabase(databaseUrl), log, 10_000);
  await migrateDatabase(databaseUrl, projectRoot, log);
  // The test database's sessions run in WIB, as on a PostgreSQL installed in Indonesia (initdb takes
  // the host's zone): a statement that leaves a timestamp to the server's zone (a column default,
  // now() without AT TIME ZONE 'UTC') stores it 7 hours off, and the tests that read it fail.
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`ALTER DATABASE "${base.pathname.slice(1)}" SET timezone TO 'Asia/Jakarta'`);
  await admin.end();
  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');

  return () => dropDatabase(describeDatabase(databaseUrl));
}
