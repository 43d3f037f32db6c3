/** The HTTP face: health and readiness, the web chat API and its page. */
import { join } from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { registerWebchatRoutes, type WebchatRouteDeps } from './webchat-routes.js';
import { registerFiguresRoutes, type FiguresRouteDeps } from './figures-routes.js';
import { registerOpen311Routes, type Open311Deps } from './open311-routes.js';
import { registerPublicComplaintRoutes } from './public-complaints-routes.js';
import type { PublicComplaintDeps } from '../services/public-complaints.js';

export interface HttpDeps {
  log: FastifyBaseLogger;
  /** TRUST_PROXY as configured: "false", "true", a hop count, or addresses/CIDRs. */
  trustProxy: string;
  publicDir: string;
  /** Each check resolves when its dependency answers; readiness is red if one rejects. */
  readiness: Record<string, () => Promise<unknown>>;
  /** Facts shown beside the checks in /readyz without deciding readiness (the WhatsApp connection state). */
  details?: Record<string, () => unknown>;
  webchat: WebchatRouteDeps;
  /** Monitoring figures (admin JSON/CSV, public JSON) and the transparency page. */
  figures?: FiguresRouteDeps;
  /** The public list of complaints that are not rahasia (PUBLIC_COMPLAINT_LIST). */
  publicComplaints?: PublicComplaintDeps;
  /** Open311 GeoReport v2 under /open311/v2. */
  open311?: Open311Deps;
  /** GET /metrics: the Prometheus text of the app's registry. */
  metrics?: { contentType: string; render: () => Promise<string> };
}

const CHECK_TIMEOUT_MS = 2_000;

export async function buildServer(deps: HttpDeps): Promise<FastifyInstance> {
  // No per-request logs: the page polls every few seconds; handlers log what matters, with ids.
  const app = Fastify({ loggerInstance: deps.log, bodyLimit: 512 * 1024, logController: new LogController({ disableRequestLogging: true }), trustProxy: toTrustProxy(deps.trustProxy) });
  // A server fault is logged and answered without its message, which can name files, statements and
  // values (Prisma's do); a client's error (4xx) keeps Fastify's answer, which says what was wrong.
  app.setErrorHandler<FastifyError>((error, request, reply) => {
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) throw error;
    // The route, not the URL: a web chat URL can carry the chat id, the chat's only secret.
    request.log.error({ err: error, route: request.routeOptions.url ?? null }, 'request failed');
    return reply.code(500).send({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
  });
  await app.register(fastifyMultipart, { limits: { fileSize: deps.webchat.maxUploadBytes, files: 1, fields: 4 } });
  await app.register(fastifyStatic, { root: deps.publicDir, index: ['index.html'], maxAge: '1h' });

  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const results = await Promise.all(
      Object.entries(deps.readiness).map(async ([name, check]) => {
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
          return [name, 'ok'] as const;
        } catch (error) {
          return [name, `down: ${error instanceof Error ? error.message : String(error)}`] as const;
        }
      }),
    );
    const ready = results.every(([, state]) => state === 'ok');
    const details = deps.details ? Object.fromEntries(Object.entries(deps.details).map(([name, read]) => [name, read()])) : undefined;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results), ...(details ? { details } : {}) });
  });
  registerWebchatRoutes(app, deps.webchat);
  if (deps.figures) registerFiguresRoutes(app, deps.figures);
  if (deps.publicComplaints) registerPublicComplaintRoutes(app, deps.publicComplaints);
  if (deps.open311) registerOpen311Routes(app, deps.open311);
  const metrics = deps.metrics;
  if (metrics) app.get('/metrics', async (_request, reply) => reply.header('cache-control', 'no-store').type(metrics.contentType).send(await metrics.render()));
  return app;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Only the configured proxies may speak for the client's address: a forged X-Forwarded-For must not dodge the rate limits. */
function toTrustProxy(value: string): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return value.split(',').map((v) => v.trim()).filter(Boolean);
}

export const defaultPublicDir = (root: string) => join(root, 'public');
