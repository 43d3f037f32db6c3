/**
 * The one gate in front of every admin-only route: a Fastify preHandler that answers 401 without a
 * valid bearer token and 403 when the caller's role is not among those allowed, and otherwise puts
 * the caller on `request.admin`. Handlers still scope their data by `request.admin` (agency, region).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminPrincipal, AdminRole, AuthenticateAdmin } from '../services/admin-principal.js';

declare module 'fastify' {
  interface FastifyRequest {
    admin?: AdminPrincipal;
  }
}

export type AdminGuard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export function requireAdmin(authenticate: AuthenticateAdmin, roles?: readonly AdminRole[]): AdminGuard {
  return async (request, reply) => {
    const principal = await authenticate(request.headers.authorization);
    if (!principal) {
      await reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'A valid admin token is required (Authorization: Bearer <token>).' });
      return;
    }
    if (roles && !roles.includes(principal.role)) {
      await reply.code(403).send({ error: 'forbidden', message: `Role ${principal.role} may not use this endpoint.` });
      return;
    }
    request.admin = principal;
  };
}

/** The admin principal of a request that passed requireAdmin; throws if a route forgot the guard. */
export function adminOf(request: FastifyRequest): AdminPrincipal {
  if (!request.admin) throw new Error('admin route registered without requireAdmin');
  return request.admin;
}
