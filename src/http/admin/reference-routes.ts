/** Agencies, categories, routing rules and holidays: read within scope, changed by the roles that own them. */
import { forbidden } from '../../services/admin/errors.js';
import { agencyIdsInScope, isAgencyInScope, NATIONAL_WRITERS, REFERENCE_WRITERS, toAgencyTree } from '../../services/admin/scope.js';
import type { AdminPrincipal } from '../../services/admin-principal.js';
import * as agencies from '../../store/admin/agencies.js';
import { apiActor } from '../../store/admin/audit.js';
import * as categories from '../../store/admin/categories.js';
import type { Db } from '../../store/prisma.js';
import { adminOf } from '../admin-guard.js';
import type { AdminApp, AdminRouteContext } from './plugin.js';
import { AgencyCreate, AgencyUpdate, CategoryCreate, CategoryUpdate, HolidayInput, HolidayParams, HolidayQuery, IdParams, RoutingRuleInput } from './schemas.js';

/** Refuses (403) when any of the agencies lies outside the principal's scope. */
export async function assertAgencies(db: Db, principal: AdminPrincipal, agencyIds: readonly (string | null | undefined)[]): Promise<void> {
  if (principal.role === 'OPERATOR') return;
  const tree = toAgencyTree(await agencies.findAgencyNodes(db));
  for (const id of agencyIds) {
    if (id !== undefined && !isAgencyInScope(principal, id, tree)) throw forbidden('that agency is outside your scope');
  }
}

export async function scopedAgencyIds(db: Db, principal: AdminPrincipal): Promise<string[] | 'all'> {
  return agencyIdsInScope(principal, toAgencyTree(await agencies.findAgencyNodes(db)));
}

export function registerReferenceRoutes(api: AdminApp, ctx: AdminRouteContext): void {
  const { db } = ctx;
  const reader = { preHandler: ctx.guard() };
  const writer = { preHandler: ctx.guard(REFERENCE_WRITERS) };
  const national = { preHandler: ctx.guard(NATIONAL_WRITERS) };

  api.get('/agencies', { ...reader, schema: { tags: ['agencies'] } }, async (request) => ({ items: await agencies.findAgencies(db, await scopedAgencyIds(db, adminOf(request))) }));
  api.get('/agencies/:id', { ...reader, schema: { tags: ['agencies'], params: IdParams } }, async (request) => {
    await assertAgencies(db, adminOf(request), [request.params.id]);
    return agencies.findAgency(db, request.params.id);
  });
  api.post('/agencies', { ...writer, schema: { tags: ['agencies'], body: AgencyCreate } }, async (request, reply) => {
    const principal = adminOf(request);
    // A new agency hangs under one the principal covers (only OPERATOR creates top-level ones).
    if (principal.role !== 'OPERATOR' && !request.body.parentId) throw forbidden('only OPERATOR creates an agency without a parent');
    await assertAgencies(db, principal, [request.body.parentId]);
    return reply.code(201).send(await agencies.createAgency(db, apiActor(principal, request.id), request.body));
  });
  api.patch('/agencies/:id', { ...writer, schema: { tags: ['agencies'], params: IdParams, body: AgencyUpdate } }, async (request) => {
    const principal = adminOf(request);
    await assertAgencies(db, principal, [request.params.id, request.body.parentId]);
    if (principal.role !== 'OPERATOR' && request.params.id === principal.agencyId && Object.keys(request.body).some((k) => k !== 'name')) throw forbidden('you may rename your own agency but not move or deactivate it');
    return agencies.updateAgency(db, apiActor(principal, request.id), request.params.id, request.body);
  });

  api.get('/categories', { ...reader, schema: { tags: ['categories'] } }, async () => ({ items: await categories.findCategories(db) }));
  api.post('/categories', { ...national, schema: { tags: ['categories'], body: CategoryCreate } }, async (request, reply) =>
    reply.code(201).send(await categories.createCategory(db, apiActor(adminOf(request), request.id), request.body)),
  );
  api.patch('/categories/:id', { ...national, schema: { tags: ['categories'], params: IdParams, body: CategoryUpdate } }, async (request) =>
    categories.updateCategory(db, apiActor(adminOf(request), request.id), request.params.id, request.body),
  );

  api.get('/routing-rules', { ...reader, schema: { tags: ['routing'] } }, async (request) => ({ items: await agencies.findRoutingRules(db, await scopedAgencyIds(db, adminOf(request))) }));
  api.post('/routing-rules', { ...writer, schema: { tags: ['routing'], body: RoutingRuleInput } }, async (request, reply) => {
    await assertAgencies(db, adminOf(request), [request.body.agencyId]);
    return reply.code(201).send(await agencies.createRoutingRule(db, apiActor(adminOf(request), request.id), request.body));
  });
  api.put('/routing-rules/:id', { ...writer, schema: { tags: ['routing'], params: IdParams, body: RoutingRuleInput } }, async (request) => {
    const before = await agencies.findRoutingRule(db, request.params.id);
    await assertAgencies(db, adminOf(request), [before.agencyId, request.body.agencyId]);
    return agencies.updateRoutingRule(db, apiActor(adminOf(request), request.id), request.params.id, request.body);
  });
  api.delete('/routing-rules/:id', { ...writer, schema: { tags: ['routing'], params: IdParams } }, async (request) => {
    const before = await agencies.findRoutingRule(db, request.params.id);
    await assertAgencies(db, adminOf(request), [before.agencyId]);
    await agencies.deleteRoutingRule(db, apiActor(adminOf(request), request.id), request.params.id);
    return { deleted: true };
  });

  api.get('/holidays', { ...reader, schema: { tags: ['holidays'], querystring: HolidayQuery } }, async (request) => {
    const year = request.query.year;
    const changes = await categories.findHolidayOverrides(db);
    const files = [...ctx.fileCalendar.entries()].map(([date, name]) => ({ date, name, source: 'file' as const, cancelled: changes.some((c) => c.date === date && c.kind === 'CANCELLED') }));
    const extra = changes.filter((c) => c.kind === 'EXTRA').map((c) => ({ date: c.date, name: c.name, source: 'admin' as const, cancelled: false }));
    const all = [...files.filter((f) => !extra.some((e) => e.date === f.date)), ...extra].sort((a, b) => a.date.localeCompare(b.date));
    return { items: year ? all.filter((h) => h.date.startsWith(`${year}-`)) : all, changes };
  });
  api.put('/holidays/:date', { ...national, schema: { tags: ['holidays'], params: HolidayParams, body: HolidayInput.omit({ date: true }) } }, async (request) => {
    await categories.saveHolidayOverride(db, apiActor(adminOf(request), request.id), { date: request.params.date, ...request.body });
    await ctx.onHolidaysChanged();
    return { date: request.params.date, ...request.body };
  });
  api.delete('/holidays/:date', { ...national, schema: { tags: ['holidays'], params: HolidayParams } }, async (request) => {
    await categories.deleteHolidayOverride(db, apiActor(adminOf(request), request.id), request.params.date);
    await ctx.onHolidaysChanged();
    return { deleted: true };
  });
}
