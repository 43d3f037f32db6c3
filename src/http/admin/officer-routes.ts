/** Officers: listed within scope; created, (de)activated and given link codes by admins of their agency or region. */
import { forbidden } from '../../services/admin/errors.js';
import { mayCreateOfficerRole, REFERENCE_WRITERS } from '../../services/admin/scope.js';
import { apiActor } from '../../store/admin/audit.js';
import * as officers from '../../store/admin/officers.js';
import { adminOf } from '../admin-guard.js';
import type { AdminApp, AdminRouteContext } from './plugin.js';
import { assertAgencies, scopedAgencyIds } from './reference-routes.js';
import { IdParams, OfficerCreate } from './schemas.js';

export function registerOfficerRoutes(api: AdminApp, ctx: AdminRouteContext): void {
  const { db } = ctx;
  const tags = ['officers'];
  const writer = { preHandler: ctx.guard(REFERENCE_WRITERS) };

  api.get('/officers', { preHandler: ctx.guard(), schema: { tags } }, async (request) => ({ items: await officers.findOfficers(db, await scopedAgencyIds(db, adminOf(request))) }));
  api.post('/officers', { ...writer, schema: { tags, body: OfficerCreate } }, async (request, reply) => {
    const principal = adminOf(request);
    if (!mayCreateOfficerRole(principal, request.body.role)) throw forbidden(`${principal.role} may not create a ${request.body.role}`);
    await assertAgencies(db, principal, [request.body.agencyId]);
    const created = await officers.createOfficer(db, apiActor(principal, request.id), request.body, ctx.now(), ctx.linkCodeHours);
    return reply.code(201).send({ ...created, howTo: `the officer sends "daftar ${created.code}" to the bot; the code is shown once` });
  });
  const onOfficer = async (id: string, principal: ReturnType<typeof adminOf>) => {
    const officer = await officers.findOfficer(db, id);
    await assertAgencies(db, principal, [officer.agencyId]);
    if (!mayCreateOfficerRole(principal, officer.role)) throw forbidden(`${principal.role} may not manage a ${officer.role}`);
  };
  api.post('/officers/:id/link-code', { ...writer, schema: { tags, params: IdParams } }, async (request, reply) => {
    await onOfficer(request.params.id, adminOf(request));
    return reply.code(201).send(await officers.issueOfficerCode(db, apiActor(adminOf(request), request.id), request.params.id, ctx.now(), ctx.linkCodeHours));
  });
  for (const active of [true, false]) {
    api.post(`/officers/:id/${active ? 'activate' : 'deactivate'}`, { ...writer, schema: { tags, params: IdParams } }, async (request) => {
      await onOfficer(request.params.id, adminOf(request));
      await officers.setOfficerActive(db, apiActor(adminOf(request), request.id), request.params.id, active);
      return { id: request.params.id, active };
    });
  }
}
