/**
 * Admin wiring: the token authenticator every admin-only route uses, the running calendar with the
 * holiday changes made through the admin API or CLI (reloaded at once in this process, every minute
 * in the others), and the admin API on the HTTP server.
 */
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { WorkingDayCalendar } from '../domain/index.js';
import { registerAdminApi } from '../http/admin/plugin.js';
import type { AuthenticateAdmin } from '../services/admin-principal.js';
import type { DeadlineDeps } from '../services/deadlines.js';
import { PgAdminAuth } from '../store/admin-tokens.js';
import { findHolidayOverrides } from '../store/admin/categories.js';
import type { Db } from '../store/prisma.js';
import type { SecretSealer } from '../store/secret-sealer.js';

export interface AdminWiring {
  authenticate: AuthenticateAdmin;
  reloadCalendar: () => Promise<void>;
  register: (http: FastifyInstance, queues: Queue[]) => Promise<void>;
  stop: () => void;
}

export async function buildAdmin(input: { db: Db; config: Config; log: Logger; fileCalendar: WorkingDayCalendar; deadlines: DeadlineDeps; webhookSecrets: SecretSealer; now: () => Date }): Promise<AdminWiring> {
  const { db, config, log, fileCalendar, deadlines, now } = input;
  const auth = new PgAdminAuth(db, now);
  const reloadCalendar = async () => {
    deadlines.calendar = fileCalendar.withOverrides(await findHolidayOverrides(db));
  };
  await reloadCalendar();
  const timer = setInterval(() => void reloadCalendar().catch((error: unknown) => log.warn({ err: error }, 'holiday changes reload failed')), 60_000);
  timer.unref();
  return {
    authenticate: auth.authenticate,
    reloadCalendar,
    register: (http, queues) => registerAdminApi(http, { db, authenticate: auth.authenticate, now, linkCodeHours: config.OFFICER_LINK_CODE_HOURS, fileCalendar, onHolidaysChanged: reloadCalendar, queues, webhookRequireHttps: config.WEBHOOK_REQUIRE_HTTPS, webhookSecrets: input.webhookSecrets }),
    stop: () => clearInterval(timer),
  };
}
