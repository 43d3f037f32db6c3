/**
 * PostgreSQL side of the schema-engine shim: connection settings from a Prisma URL, the driver
 * adapter factory handed to the wasm engine, and the few admin statements that the native engine
 * runs itself (create/drop database, connection check).
 *
 * @module
 */
import { createRequire } from "node:module";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { DriverAdapterError } from "@prisma/driver-adapter-utils";

const require = createRequire(import.meta.url);
// pg-connection-string is pg's own URL parser; resolve it next to pg so we get the copy pg uses.
const { parse: parseConnectionString } = createRequire(require.resolve("pg"))("pg-connection-string");

/** pg_catalog types that @prisma/adapter-pg cannot map (prisma/orm#27403): "char" and name. */
const CATALOG_TEXT_OIDS = new Set([18, 19]);
const TEXT_OID = 25;

/** Query parameters that only the native engine understands; pg must not see them. */
const PRISMA_ONLY_PARAMS = [
  "schema", "connection_limit", "pool_timeout", "connect_timeout", "socket_timeout", "pgbouncer",
  "statement_cache_size", "sslaccept", "sslidentity", "sslpassword", "single_use_connections",
];

/**
 * Turns a Prisma PostgreSQL URL into discrete `pg` settings.
 *
 * Discrete fields (never `connectionString`) matter: with `connectionString`, pg lets the URL's
 * database win over `database`, so a "shadow" pool would silently point at the main database.
 *
 * Supported query parameters: `schema` (search_path and the engine's default schema),
 * `sslmode` with libpq meaning (disable | prefer | require | verify-ca | verify-full),
 * `sslrootcert`/`sslcert`/`sslkey` (paths relative to the working directory), `sslaccept=strict`,
 * `connect_timeout` (seconds), `host=/socket/dir`, `application_name`, `options`.
 * Other Prisma-only parameters (`connection_limit`, `pgbouncer`, …) are accepted and ignored.
 *
 * @param {string} url
 * @returns {{ config: pg.ClientConfig, schema: string | undefined }}
 */
export function pgConfigFromUrl(url) {
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new Error("schema-engine shim: only postgresql:// URLs are supported");
  }
  const compat = /[?&]uselibpqcompat=/i.test(url) ? {} : { useLibpqCompat: true };
  const parsed = { ...parseConnectionString(url, compat) };
  const schema = parsed.schema || undefined;
  const connectTimeout = Number(parsed.connect_timeout);
  const strictSsl = parsed.sslaccept === "strict";
  for (const key of [...PRISMA_ONLY_PARAMS, "sslmode", "uselibpqcompat"]) delete parsed[key];

  /** @type {pg.ClientConfig} */
  const config = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (value !== "" && value !== undefined && value !== null) config[key] = value;
  }
  if (config.port) config.port = Number(config.port);
  if (connectTimeout > 0) config.connectionTimeoutMillis = connectTimeout * 1000;
  if (strictSsl && typeof config.ssl === "object") config.ssl.rejectUnauthorized = true;
  if (schema) {
    const searchPath = `-c search_path=${quoteIdent(schema).replace(/ /g, "\\ ")}`;
    config.options = config.options ? `${config.options} ${searchPath}` : searchPath;
  }
  return { config, schema };
}

/** @param {string} name */
export function quoteIdent(name) {
  return `"${String(name).replace(/"/g, '""')}"`;
}

/** Re-types OID 18/19 columns as text in one pg result (or the array a multi-statement query gives). */
function retypeCatalogColumns(result) {
  for (const res of Array.isArray(result) ? result : [result]) {
    for (const field of res?.fields ?? []) {
      if (CATALOG_TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

/**
 * A pg Client that reports `"char"` and `name` columns as text. The values are strings already;
 * only the type id the adapter looks at changes. Covers both the promise and callback forms,
 * because pg.Pool#query calls the client with a callback.
 */
class CatalogAsTextClient extends pg.Client {
  query(config, values, callback) {
    if (typeof values === "function") [values, callback] = [undefined, values];
    if (typeof callback === "function") {
      return super.query(config, values, (err, res) => callback(err, err ? res : retypeCatalogColumns(res)));
    }
    const ret = super.query(config, values);
    return typeof ret?.then === "function" ? ret.then(retypeCatalogColumns) : ret;
  }
}

/** Pool options shared by every pool the shim opens. */
function poolConfig(config) {
  return { ...config, Client: CatalogAsTextClient, allowExitOnIdle: true };
}

/**
 * Replaces PrismaPg's `executeScript`, which splits the script on every ";" (breaking plpgsql
 * bodies, and even a ";" inside a comment) and runs the pieces one by one (a failure leaves a
 * half-applied migration). The engine uses it e.g. to re-apply migrations in `migrate reset`.
 * Sends the whole script as one simple-protocol query instead, as the native engine does;
 * PostgreSQL runs a multi-statement simple query as one implicit transaction.
 */
function wholeScriptExecution(adapter) {
  adapter.executeScript = async (script) => {
    try {
      await adapter.underlyingDriver().query(script);
    } catch (error) {
      adapter.onError(error); // rethrows as the DriverAdapterError the engine understands
    }
  };
  return adapter;
}

/**
 * Runs `fn` with a short-lived client on an administrative database of the same server (the URL's
 * own database is the one being created or dropped), trying `postgres` then `template1`.
 */
export async function withAdminClient(config, fn) {
  let lastError;
  for (const database of ["postgres", "template1"]) {
    const client = new pg.Client({ ...config, database });
    try {
      await client.connect();
    } catch (error) {
      lastError = error;
      await client.end().catch(() => {});
      if (error.code === "3D000") continue;
      throw error;
    }
    try {
      return await fn(client);
    } finally {
      await client.end().catch(() => {});
    }
  }
  throw lastError;
}

/**
 * A migration-aware driver adapter factory for the wasm engine (PrismaPg plus the workarounds above).
 *
 * The shadow database is a fresh `prisma_migrate_shadow_db_<uuid>` on the same server, or
 * `shadowDatabaseUrl` when configured (its schema is dropped and recreated first, as natively).
 * On dispose, the temporary database's pool is closed *before* the database is dropped (PrismaPg
 * does it the other way round, which fails with "being accessed by other users" and leaks the
 * database). Pending drops are tracked so the process can wait for them on exit.
 *
 * @param {{ url: string, shadowDatabaseUrl?: string }} datasource
 */
export function createAdapterFactory(datasource) {
  const { config, schema } = pgConfigFromUrl(datasource.url);
  const options = schema ? { schema } : undefined;
  const pendingCleanups = new Set();

  const connect = async () => wholeScriptExecution(await new PrismaPg(poolConfig(config), options).connect());

  const connectToShadowDb = async () => {
    if (datasource.shadowDatabaseUrl) {
      // Like the native engine: empty the configured shadow database first (the wasm engine
      // assumes a fresh one), and refuse to do that to the main database.
      const shadow = pgConfigFromUrl(datasource.shadowDatabaseUrl);
      const sameServer = (a, b) => ["host", "port", "database"].every((k) => String(a[k] ?? "") === String(b[k] ?? ""));
      if (sameServer(shadow.config, config)) {
        const message = "The shadow database you configured appears to be the same as the main database.";
        throw new DriverAdapterError({ kind: "postgres", code: "N/A", severity: "ERROR", message });
      }
      const adapter = wholeScriptExecution(
        await new PrismaPg(poolConfig(shadow.config), shadow.schema ? { schema: shadow.schema } : undefined).connect(),
      );
      const ns = quoteIdent(shadow.schema ?? "public");
      await adapter.executeScript(`DROP SCHEMA IF EXISTS ${ns} CASCADE; CREATE SCHEMA ${ns};`);
      return adapter;
    }
    const database = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`;
    await withAdminClient(config, (c) => c.query(`CREATE DATABASE ${quoteIdent(database)}`));
    const adapter = wholeScriptExecution(
      await new PrismaPg(poolConfig({ ...config, database }), options).connect(),
    );
    const closePool = adapter.dispose.bind(adapter);
    adapter.dispose = () => {
      const cleanup = (async () => {
        await closePool();
        await withAdminClient(config, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)}`));
      })().finally(() => pendingCleanups.delete(cleanup));
      pendingCleanups.add(cleanup);
      return cleanup;
    };
    return adapter;
  };

  return {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    connect,
    connectToShadowDb,
    /** Resolves once every started shadow-database drop has finished (errors ignored). */
    settle: () => Promise.allSettled([...pendingCleanups]),
  };
}

/**
 * Maps a pg/Node connection error to the Prisma error code the CLI reacts to, or undefined.
 * P1003 ("database does not exist") is the one that makes the CLI run `create-database`.
 */
export function prismaErrorFor(error, config) {
  const where = `${config.host ?? "localhost"}:${config.port ?? 5432}`;
  switch (error?.code) {
    case "3D000":
      return { code: "P1003", message: `Database \`${config.database}\` does not exist on the database server at \`${where}\`` };
    case "28P01":
    case "28000":
      return { code: "P1000", message: `Authentication failed against database server at \`${where}\`: ${error.message}` };
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EHOSTUNREACH":
    case "ETIMEDOUT":
      return { code: "P1001", message: `Can't reach database server at \`${where}\`` };
    case "42P04":
      return { code: "P1009", message: `Database \`${config.database}\` already exists on the database server at \`${where}\`` };
    default:
      return undefined;
  }
}
