/** A whole Aduan (HTTP, workers, stores) on the run's test database and a fresh Redis prefix. */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { inject } from 'vitest';
import { createApp, type App, type Role } from '../../src/app.js';
import { ConfigSchema, type Config } from '../../src/config.js';
import { deleteKeysWithPrefix } from '../../src/store/redis.js';

export interface TestApp extends App {
  prefix: string;
  config: Config;
  /** Deletes this app's Redis keys and closes everything. */
  dispose: () => Promise<void>;
}

export function testConfig(overrides: Partial<Record<keyof Config, string>> = {}): Config {
  return ConfigSchema.parse({
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    REDIS_PREFIX: `aduantest-${randomBytes(4).toString('hex')}`,
    AUTO_MIGRATE: 'false',
    LOG_LEVEL: 'silent',
    MEDIA_DIR: `/tmp/aduan-test-media-${process.pid}`,
    RECOVERY_INTERVAL_SECONDS: '3600',
    ...overrides,
  });
}

export async function startTestApp(options: { role?: Role; config?: Config; now?: () => Date; newCode?: (prefix: string) => string } = {}): Promise<TestApp> {
  const config = options.config ?? testConfig();
  const app = await createApp({
    config,
    role: options.role ?? 'all',
    log: pino({ level: config.LOG_LEVEL }),
    ...(options.now ? { now: options.now } : {}),
    ...(options.newCode ? { newCode: options.newCode } : {}),
  });
  return {
    ...app,
    prefix: config.REDIS_PREFIX,
    config,
    dispose: async () => {
      await app.close();
      await deleteKeysWithPrefix(config.REDIS_URL, config.REDIS_PREFIX);
    },
  };
}

export { deleteKeysWithPrefix as deleteKeys } from '../../src/store/redis.js';

/** Polls `check` until it returns a value (not a sleep-based assertion: bounded and fails loudly). */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Runs `body` while PostgreSQL refuses to write the rows of `table` that match `when` (a condition on
 * NEW): a fault of the database itself, not of a connection. The trigger is dropped afterwards.
 */
export async function whileDatabaseRefuses<T>(app: Pick<App, 'pool'>, refusal: { table: string; on: 'INSERT' | 'UPDATE' | 'INSERT OR UPDATE'; when: string }, body: () => Promise<T>): Promise<T> {
  const name = `aduan_test_refuse_${randomBytes(4).toString('hex')}`;
  await app.pool.query(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF ${refusal.when} THEN RAISE EXCEPTION 'injected fault in %', TG_TABLE_NAME; END IF; RETURN NEW; END $$`);
  await app.pool.query(`CREATE TRIGGER ${name} BEFORE ${refusal.on} ON "${refusal.table}" FOR EACH ROW EXECUTE FUNCTION ${name}()`);
  try {
    return await body();
  } finally {
    await app.pool.query(`DROP TRIGGER ${name} ON "${refusal.table}"`);
    await app.pool.query(`DROP FUNCTION ${name}()`);
  }
}
