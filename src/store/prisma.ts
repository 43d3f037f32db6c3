/** The Prisma client over node-postgres; the only module that constructs it. */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { Prisma, PrismaClient } from '../generated/prisma/client.js';

export type Db = PrismaClient;
export type Pool = pg.Pool;
export { Prisma };

export interface PoolOptions {
  size?: number;
  /** PostgreSQL cancels a statement running longer than this (`statement_timeout`); 0: none set here (a database or role setting still applies), nor one on this side. */
  statementTimeoutMs?: number;
  /** Time on top of the statement timeout before a statement with no answer at all is given up here. */
  unansweredGraceMs?: number;
}

/**
 * One node-postgres pool per process, shared by Prisma and the hand-written hot-path queries.
 * An idle connection the server drops (a restart, a killed backend) emits 'error' on the pool:
 * without a listener that would end the process, so it is reported and the pool reconnects.
 * No statement waits forever: PostgreSQL cancels one that runs past the statement timeout (a lock
 * that is never released), and one that gets no answer at all (a server or network that went
 * silent) fails here a little later and its connection is dropped, in a transaction too. Either way
 * the caller gets an error, and the session saves queued behind it go on.
 */
export function createPool(databaseUrl: string, onIdleError: (error: Error) => void, { size = 10, statementTimeoutMs = 30_000, unansweredGraceMs = 5_000 }: PoolOptions = {}): Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: size,
    connectionTimeoutMillis: 5_000,
    // Sent as a startup parameter: a PgBouncer in front needs it in its ignore_startup_parameters.
    ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs, query_timeout: statementTimeoutMs + unansweredGraceMs } : {}),
  });
  pool.on('error', onIdleError);
  // A connection given back while still waiting for an answer (a transaction whose statement timed
  // out here sends ROLLBACK behind it, which times out too, and is then released as if all were
  // well) would make every statement of its next borrower wait behind the lost one: end it instead.
  // `readyForQuery` is node-postgres's own flag for "nothing in flight on this connection".
  pool.on('release', (error, client) => {
    if (!error && Reflect.get(client, 'readyForQuery') === false) void client.end().catch(() => undefined);
  });
  return pool;
}

export function createDb(poolOrUrl: Pool | string): Db {
  const adapter = new PrismaPg(typeof poolOrUrl === 'string' ? { connectionString: poolOrUrl, max: 10, connectionTimeoutMillis: 5_000 } : poolOrUrl);
  return new PrismaClient({ adapter });
}

/**
 * True for a unique-constraint violation, from Prisma (P2002, however the driver adapter shapes its
 * meta) or from a hand-written statement on the pool (SQLSTATE 23505).
 */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error.code === 'P2002' || error.code === '23505');
}

/**
 * A timestamp parameter or column for a hand-written statement: ISO strings go in, and the value is
 * stored as UTC wall time in the zone-less columns Prisma lays out.
 */
export const utc = (expression: string) => `${expression}::timestamptz AT TIME ZONE 'UTC'`;
