/** Admin users and tokens over HTTP (OPERATOR only); the first token comes from the CLI. */
import { PgAdminAuth } from '../../store/admin-tokens.js';
import { apiActor } from '../../store/admin/audit.js';
import { adminOf } from '../admin-guard.js';
import type { AdminApp, AdminRouteContext } from './plugin.js';
import { AdminUserCreate, IdParams, TokenCreate, UserParams } from './schemas.js';

export function registerTokenRoutes(api: AdminApp, ctx: AdminRouteContext): void {
  const auth = new PgAdminAuth(ctx.db, ctx.now);
  const operator = { preHandler: ctx.guard(['OPERATOR']) };
  const tags = ['admin users'];
  api.get('/users', { ...operator, schema: { tags } }, async () => ({
    items: (await auth.listUsers()).map((u) => ({ ...u, createdAt: u.createdAt.toISOString() })),
  }));
  api.post('/users', { ...operator, schema: { tags, body: AdminUserCreate } }, async (request, reply) => {
    const created = await auth.createUser(apiActor(adminOf(request), request.id), request.body);
    return reply.code(201).send(created);
  });
  api.post('/users/:user/tokens', { ...operator, schema: { tags, params: UserParams, body: TokenCreate } }, async (request, reply) => {
    const { label, expiresAt } = request.body;
    const issued = await auth.issueToken(apiActor(adminOf(request), request.id), { user: request.params.user, label, expiresAt: expiresAt ? new Date(expiresAt) : undefined });
    return reply.code(201).send({ ...issued, note: 'the token is shown once; store it now' });
  });
  api.post('/tokens/:id/revoke', { ...operator, schema: { tags, params: IdParams } }, async (request) => {
    await auth.revokeToken(apiActor(adminOf(request), request.id), request.params.id);
    return { revoked: true };
  });
}
