/**
 * The admin API under /api/admin: bearer tokens (requireAdmin), zod-validated requests (strict:
 * unknown fields are 400), an OpenAPI 3 document generated from the same schemas at
 * /api/admin/openapi.json, and every write audited in its own transaction (store/admin/*).
 * Registered in its own encapsulated context, so its validator and error handler touch no other route.
 */
import fastifySwagger from '@fastify/swagger';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Queue } from 'bullmq';
import type { WorkingDayCalendar } from '../../domain/index.js';
import type { AdminRole, AuthenticateAdmin } from '../../services/admin-principal.js';
import { AdminError } from '../../services/admin/errors.js';
import { isUniqueViolation, type Db } from '../../store/prisma.js';
import { requireAdmin, type AdminGuard } from '../admin-guard.js';
import { registerComplaintRoutes } from './complaint-routes.js';
import { registerOfficerRoutes } from './officer-routes.js';
import { registerQueueBoard } from './queue-board.js';
import { registerReferenceRoutes } from './reference-routes.js';
import { registerTokenRoutes } from './token-routes.js';
import { registerWebhookRoutes } from './webhook-routes.js';
import type { SecretSealer } from '../../store/secret-sealer.js';

export type AdminApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

export interface AdminApiDeps {
  db: Db;
  authenticate: AuthenticateAdmin;
  now: () => Date;
  linkCodeHours: number;
  /** The holidays of calendar/<year>.yaml, before run-time changes. */
  fileCalendar: WorkingDayCalendar;
  /** Reloads the running calendar after a holiday change. */
  onHolidaysChanged: () => Promise<void>;
  /** Queues shown on the dashboard at /api/admin/queues (OPERATOR only). */
  queues: Queue[];
  /** Refuse http:// webhook URLs (WEBHOOK_REQUIRE_HTTPS). */
  webhookRequireHttps?: boolean;
  /** How new webhook signing secrets are stored (sealed with WEBHOOK_SECRETS_KEY, or as they are). */
  webhookSecrets: SecretSealer;
}

export interface AdminRouteContext extends AdminApiDeps {
  guard: (roles?: readonly AdminRole[]) => AdminGuard;
}

export async function registerAdminApi(app: FastifyInstance, deps: AdminApiDeps): Promise<void> {
  await app.register(
    async (scope) => {
      scope.setValidatorCompiler(validatorCompiler);
      scope.setSerializerCompiler(serializerCompiler);
      scope.setErrorHandler((error: FastifyError, request, reply) => {
        if (hasZodFastifySchemaValidationErrors(error)) {
          const where = error.validationContext ?? 'request';
          const problems = error.validation.map((v) => `${where}${v.instancePath ? v.instancePath.replace(/\//g, '.') : ''}: ${v.message ?? 'invalid'}`);
          return reply.code(400).send({ error: 'bad_request', message: problems.join('; '), problems });
        }
        if (error instanceof AdminError) return reply.code(error.statusCode).send({ error: error.code, message: error.message });
        if (isUniqueViolation(error)) return reply.code(409).send({ error: 'conflict', message: 'a record with the same key already exists' });
        const status = error.statusCode ?? 500;
        if (status >= 400 && status < 500) return reply.code(status).send({ error: error.code ?? 'bad_request', message: error.message });
        request.log.error({ err: error, reqId: request.id }, 'admin API failure');
        return reply.code(500).send({ error: 'internal', message: 'internal error; see the server log', requestId: request.id });
      });
      await scope.register(fastifySwagger, {
        openapi: {
          openapi: '3.0.3',
          info: { title: 'Aduan admin API', version: '1.0.0', description: 'Operators and officers manage reference data and read complaints. Bearer tokens: npm run cli -- admin token <user>.' },
          components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
          security: [{ bearer: [] }],
        },
        transform: jsonSchemaTransform,
      });
      const api = scope.withTypeProvider<ZodTypeProvider>();
      const context: AdminRouteContext = { ...deps, guard: (roles) => requireAdmin(deps.authenticate, roles) };
      api.get('/openapi.json', { schema: { hide: true } }, () => scope.swagger());
      registerReferenceRoutes(api, context);
      registerOfficerRoutes(api, context);
      registerComplaintRoutes(api, context);
      registerTokenRoutes(api, context);
      registerWebhookRoutes(api, context);
      await registerQueueBoard(scope, context);
    },
    { prefix: '/api/admin' },
  );
}
