// Prisma 7 CLI configuration. Note: Prisma 7 does not load .env files; export DATABASE_URL yourself.
import { fileURLToPath } from "node:url";
import { defineConfig } from "prisma/config";

const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/aduan";

// Prisma's native schema engine (needed by every `prisma migrate` / `prisma db` command) is
// downloaded from binaries.prisma.sh, which this project's machines cannot reach. Run those
// commands through scripts/schema-engine-shim.mjs (Prisma's wasm engine behind the native
// protocol) unless a binary is configured explicitly or PRISMA_NATIVE_SCHEMA_ENGINE=1 asks for
// the native engine. The config is loaded before the engine is resolved, so this covers every command.
if (!process.env.PRISMA_SCHEMA_ENGINE_BINARY && process.env.PRISMA_NATIVE_SCHEMA_ENGINE !== "1") {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY = fileURLToPath(
    new URL("./scripts/schema-engine-shim.mjs", import.meta.url),
  );
}

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: {
    path: "prisma/migrations",
  },
  datasource: {
    url: process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
  },
});
