/**
 * GET /api/public/complaints: the transparency page's list of complaints that are not rahasia
 * (no login; paged; short public cache). Off with PUBLIC_COMPLAINT_LIST=false: then the route is
 * not registered (404) and the page leaves the section out.
 */
import type { FastifyInstance } from 'fastify';
import { buildPublicComplaintList, type PublicComplaintDeps } from '../services/public-complaints.js';

/** Titles change when an officer edits them; a minute keeps the list fresh enough and cheap. */
const MAX_AGE_SECONDS = 60;

export function registerPublicComplaintRoutes(app: FastifyInstance, deps: PublicComplaintDeps): void {
  app.get('/api/public/complaints', async (request, reply) => {
    const result = await buildPublicComplaintList(deps, request.query);
    if (!result.ok) return reply.code(400).header('cache-control', 'no-store').send({ error: 'bad_request', message: result.message });
    return reply.header('cache-control', `public, max-age=${MAX_AGE_SECONDS}`).header('access-control-allow-origin', '*').send(result.list);
  });
}
