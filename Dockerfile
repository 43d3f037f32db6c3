# Aduan: container image (multi-stage, runs as the unprivileged "node" user, uid 1000).
#
#   docker build -t aduan .
#   docker run --env-file .env -p 3000:3000 -v aduan-media:/app/data/media aduan
#
# One image, several roles. The process runs `node dist/src/main.js [--role web|worker|channels]`:
#   (no flag)          ROLE from the environment, default "all": HTTP server + queue workers
#   --role web         HTTP only: web chat API, the chat page (public/), /healthz and /readyz
#   --role worker      queue workers only (intake, notifications, recovery sweep); no HTTP port
#   --role channels    the chat-platform connectors role (no HTTP port, no queue workers)
# e.g. `docker run aduan node dist/src/main.js --role worker` (see docker-compose.yml).
# Every role waits for PostgreSQL, creates the database if it is missing, applies pending migrations
# (`prisma migrate deploy` through scripts/schema-engine-shim.mjs, AUTO_MIGRATE) and seeds an empty
# database (AUTO_SEED) before it starts.

# --- deps: every dependency (dev included) from the lockfile ----------------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci && npm cache clean --force

# --- build: Prisma client + TypeScript -> dist/ -------------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json tsconfig.build.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
COPY src ./src
# prisma.config.ts sets PRISMA_SCHEMA_ENGINE_BINARY (the shim) by itself; generate needs no engine
# download. `npm run build` = prisma generate (src/generated/prisma) + tsc -p tsconfig.build.json.
RUN npm run build

# --- runtime: production dependencies, compiled code, data files -----------------------------
FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    MEDIA_DIR=/app/data/media
# No Prisma telemetry/update checks from the servers (checkpoint.prisma.io).
ENV CHECKPOINT_DISABLE=1

# prisma (the CLI used for migrations at start, with its TypeScript config loader c12/jiti),
# @prisma/schema-engine-wasm, @prisma/adapter-pg, @prisma/driver-adapter-utils and pg (the shim's
# packages) are regular dependencies, so migrations work without dev dependencies.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY --from=build /app/dist ./dist
COPY public ./public
COPY conversations ./conversations
COPY calendar ./calendar
# schema.prisma, migrations/ and seed/
COPY prisma ./prisma
# scripts/schema-engine-shim.mjs is executed by the Prisma CLI as the schema engine: keep it executable.
COPY scripts ./scripts
# Loaded by `prisma migrate deploy` at start (the CLI compiles the TypeScript itself, with jiti).
COPY prisma.config.ts ./

# Application files stay root-owned (read-only for the app); only the media directory is writable.
RUN chmod 0755 scripts/schema-engine-shim.mjs \
 && mkdir -p /app/data/media \
 && chown -R node:node /app/data

USER node
EXPOSE 3000

# Liveness of the HTTP server (roles all and web). The worker and channels roles serve no HTTP:
# disable the check for them (docker-compose.yml: `healthcheck: disable: true`). It calls
# 127.0.0.1, so HOST must stay 0.0.0.0 (the default) or 127.0.0.1. /readyz also checks
# PostgreSQL and Redis. The start period covers waiting for PostgreSQL and migrating.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# SIGTERM finishes work in flight for up to SHUTDOWN_TIMEOUT_MS (15 s): give `docker stop` more
# (docker stop -t 20; compose: stop_grace_period).
CMD ["node", "dist/src/main.js"]
