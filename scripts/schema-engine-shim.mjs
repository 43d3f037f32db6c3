#!/usr/bin/env node
/**
 * Stand-in for Prisma's native `schema-engine` binary, backed by Prisma's own wasm schema engine.
 *
 * Why it exists: Prisma 7's CLI runs every `migrate` / `db` command through a native
 * `schema-engine` executable that it downloads from binaries.prisma.sh. Where that host is
 * unreachable (this project's build machines only reach the npm registry), `prisma migrate` cannot
 * run at all — and pointing `PRISMA_SCHEMA_ENGINE_BINARY` at a dummy makes `migrate deploy`
 * silently apply nothing. `prisma.config.ts` points `PRISMA_SCHEMA_ENGINE_BINARY` at this file
 * instead. It accepts the native command line and speaks the native JSON-RPC protocol, but executes
 * each request with `@prisma/schema-engine-wasm` (the engine Prisma 6.19's early-access "js"
 * engine used) through `@prisma/adapter-pg`. Set `PRISMA_NATIVE_SCHEMA_ENGINE=1` to use the real
 * binary on machines that can download it; migrations are interchangeable (same files, same
 * `_prisma_migrations` checksums).
 *
 * Command line (as spawned by the CLI):
 *   schema-engine-shim.mjs [--datamodels <file>]... [--datasource <json {url, shadowDatabaseUrl?}>]
 *                          [--enabled-preview-features <list>] [--extension-types <json>]   (ignored)
 *                          [cli can-connect-to-database|create-database|drop-database]
 *   schema-engine-shim.mjs --version
 * Without `cli …` it serves JSON-RPC on stdin/stdout until stdin closes.
 *
 * Adapter workarounds (see scripts/schema-engine-shim/pg.mjs): OID 18/19 columns reported as text;
 * discrete pg fields so the shadow database really is a separate database; shadow pool closed before
 * the shadow database is dropped; scripts run whole, not split on ";" (plpgsql, atomicity). Pools use
 * `allowExitOnIdle` and the wasm's timers are unref'd so commands exit promptly.
 * Supported URL parameters are listed on `pgConfigFromUrl` (schema, sslmode, …).
 *
 * RISK: this relies on Prisma internals that carry no compatibility promise — the CLI↔engine
 * JSON-RPC shapes, the wasm-bindgen API of @prisma/schema-engine-wasm and @prisma/adapter-pg's
 * internals. It is verified only with the exact pinned versions in package.json (prisma 7.10.1,
 * @prisma/schema-engine-wasm 7.1.1-3.c2990dca…, @prisma/adapter-pg and driver-adapter-utils
 * 7.10.1, pg 8.23.1). Re-verify every migrate command before bumping any of them.
 * Known engine limitation: `migrate dev` while unapplied migrations exist applies them and then
 * fails in the data-loss check; run `migrate deploy` first (or `migrate dev` again).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { createAdapterFactory, pgConfigFromUrl, prismaErrorFor, quoteIdent, withAdminClient } from "./schema-engine-shim/pg.mjs";
import { serveRpc } from "./schema-engine-shim/rpc.mjs";
import { createWasmEngine } from "./schema-engine-shim/wasm.mjs";
import pg from "pg";

const WASM_GIT_HASH = "c2990dca591cba766e3b7ef5d9e8a84796e47ab7";
const PLACEHOLDER_URL = "postgresql://localhost:5432/placeholder";

/** Writes one native-style JSON log line to stderr (the CLI parses these). */
function log(level, message, fields = {}) {
  const line = { timestamp: new Date().toISOString(), level, fields: { message, ...fields }, target: "schema_engine::logger" };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

// Node warnings (e.g. pg's sslmode notice) would break the CLI's line-by-line JSON parsing of stderr.
process.removeAllListeners("warning");
process.on("warning", (warning) => log("WARN", `${warning.name}: ${warning.message}`));

function parseArgs(argv) {
  const args = { datamodels: [], datasource: undefined, cli: undefined, version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--datamodels") args.datamodels.push(argv[++i]);
    else if (arg === "--datasource") args.datasource = JSON.parse(argv[++i]);
    else if (arg === "--enabled-preview-features" || arg === "--extension-types") i++;
    else if (arg === "--version" || arg === "-V") args.version = true;
    else if (arg === "cli") args.cli = argv[++i];
    else throw new Error(`schema-engine shim: unexpected argument ${arg}`);
  }
  return args;
}

/**
 * The 6.x-era PSL inside the wasm engine requires `url` in the datasource block, which Prisma 7
 * schemas must not have; add it to every schema file handed to the engine.
 */
function withDatasourceUrl(content, url) {
  return content.replace(/^(\s*datasource\s+\w+\s*\{)([^}]*)\}/m, (block, head, body) =>
    /^\s*url\s*=/m.test(body) ? block : `${head}\n  url = ${JSON.stringify(url)}${body}}`,
  );
}

/** Applies `withDatasourceUrl` to every `{ files: [{ path, content }] }` container in RPC params. */
function injectUrlIntoSchemas(value, url) {
  if (Array.isArray(value)) return value.map((v) => injectUrlIntoSchemas(v, url));
  if (!value || typeof value !== "object") return value;
  const out = {};
  for (const [key, v] of Object.entries(value)) {
    const isSchemaFiles = key === "files" && Array.isArray(v) && v.every((f) => typeof f?.content === "string");
    out[key] = isSchemaFiles
      ? v.map((f) => ({ ...f, content: withDatasourceUrl(f.content, url) }))
      : injectUrlIntoSchemas(v, url);
  }
  return out;
}

/** One-shot `cli <command>`: errors go to stderr as the ERROR log line the CLI looks for. */
async function runCliCommand(command, datasource) {
  log("INFO", `schema-engine shim: cli ${command}`); // the CLI skips the first stderr line
  if (!datasource?.url) throw new Error("schema-engine shim: `cli` needs --datasource with a url");
  const { config } = pgConfigFromUrl(datasource.url);
  const db = quoteIdent(config.database);
  try {
    if (command === "can-connect-to-database") {
      const client = new pg.Client(config);
      try {
        await client.connect();
        await client.query("SELECT 1");
      } finally {
        await client.end().catch(() => {});
      }
    } else if (command === "create-database") {
      await withAdminClient(config, (c) => c.query(`CREATE DATABASE ${db}`));
    } else if (command === "drop-database") {
      await withAdminClient(config, (c) => c.query(`DROP DATABASE ${db}`));
    } else {
      throw new Error(`schema-engine shim: unknown cli command ${command}`);
    }
  } catch (error) {
    const mapped = prismaErrorFor(error, config);
    log("ERROR", mapped?.message ?? error.message, mapped ? { error_code: mapped.code } : {});
    process.exitCode = 1;
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.version) {
    process.stdout.write(`schema-engine-cli ${WASM_GIT_HASH}\n`);
    return;
  }
  if (args.cli) return runCliCommand(args.cli, args.datasource);

  const datasource = { url: args.datasource?.url ?? PLACEHOLDER_URL, shadowDatabaseUrl: args.datasource?.shadowDatabaseUrl };
  let factory;
  const engineReady = (async () => {
    factory = createAdapterFactory(datasource);
    const datamodels = args.datamodels.length
      ? args.datamodels.map((file) => [file, withDatasourceUrl(readFileSync(file, "utf8"), datasource.url)])
      : undefined; // an empty list makes the engine panic
    const logEngineLine = (line) => process.stderr.write(`${String(line).trim()}\n`);
    const { engine } = await createWasmEngine(datamodels, bindMigrationAwareSqlAdapterFactory(factory), logEngineLine);
    return engine;
  })();

  serveRpc({
    engineReady,
    prepareParams: (params) => injectUrlIntoSchemas(params, datasource.url),
    createDatabase: async (params) => {
      const url = params?.datasource?.url ?? datasource.url;
      const { config } = pgConfigFromUrl(url);
      await withAdminClient(config, (c) => c.query(`CREATE DATABASE ${quoteIdent(config.database)}`)).catch((error) => {
        const mapped = prismaErrorFor(error, config);
        throw mapped ? Object.assign(new Error(mapped.message), { code: mapped.code }) : error;
      });
      return { databaseName: config.database };
    },
    beforeExit: () => factory?.settle(),
  });
}

main().catch((error) => {
  log("ERROR", error?.stack ?? String(error));
  process.exit(1);
});
