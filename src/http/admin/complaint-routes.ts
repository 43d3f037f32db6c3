/**
 * Complaints (read-only here; officers act in chat): search within scope, detail with the thread and
 * events. Anonim reporters stay hidden unless an OPERATOR or the region's koordinator asks with
 * ?reveal=true&reason=…, which is audited before the identity is returned. Rahasia content follows
 * services/admin/scope.ts decideContentVisibility. Also the audit log.
 */
import { badRequest, forbidden, notFound } from '../../services/admin/errors.js';
import { AUDIT_READERS, decideComplaintAccess, decideContentVisibility, IDENTITY_REVEALERS, toAgencyTree } from '../../services/admin/scope.js';
import { findAgencyNodes } from '../../store/admin/agencies.js';
import { apiActor, findAudit } from '../../store/admin/audit.js';
import { findComplaintDetail, saveReveal, searchComplaints } from '../../store/admin/complaints.js';
import { adminOf } from '../admin-guard.js';
import type { AdminApp, AdminRouteContext } from './plugin.js';
import { scopedAgencyIds } from './reference-routes.js';
import { AuditQuery, ComplaintDetailQuery, ComplaintParams, ComplaintQuery } from './schemas.js';

const startOf = (date: string) => new Date(`${date}T00:00:00.000Z`);
const dayAfter = (date: string) => new Date(startOf(date).getTime() + 86_400_000);

export function registerComplaintRoutes(api: AdminApp, ctx: AdminRouteContext): void {
  const { db } = ctx;
  const tags = ['complaints'];

  api.get('/complaints', { preHandler: ctx.guard(), schema: { tags, querystring: ComplaintQuery } }, async (request) => {
    const principal = adminOf(request);
    const { status, from, to, page, pageSize, ...filters } = request.query;
    const tree = toAgencyTree(await findAgencyNodes(db));
    const ids = await scopedAgencyIds(db, principal);
    const koordinator = principal.role === 'ADMIN_KOORDINATOR';
    const scope = ids === 'all' ? ('all' as const) : { agencyIds: ids, regionCode: koordinator && principal.agencyId ? (tree.regionOf.get(principal.agencyId) ?? null) : null, seesSubmitted: koordinator };
    const { total, rows } = await searchComplaints(db, { ...filters, scope, status: status?.split(','), from: from ? startOf(from) : undefined, to: to ? dayAfter(to) : undefined, page, pageSize });
    const items = rows.map((c) => {
      const access = decideComplaintAccess(principal, { agencyId: c.agencyId, regionCode: c.regionCode, copyAgencyIds: c.copies.map((x) => x.agencyId), status: c.status }, tree);
      const shown = decideContentVisibility(access, c);
      return {
        id: c.id, trackingCode: c.trackingCode, type: c.type, status: c.status, channel: c.channel, category: c.category.code, agency: c.agency?.code ?? null,
        regionCode: c.regionCode, anonymous: c.anonymous, confidential: c.confidential, title: shown.title ? c.title : null, submittedAt: c.submittedAt.toISOString(), access,
      };
    });
    return { items, page, pageSize, total, pages: Math.ceil(total / pageSize) };
  });

  api.get('/complaints/:idOrCode', { preHandler: ctx.guard(), schema: { tags, params: ComplaintParams, querystring: ComplaintDetailQuery } }, async (request) => {
    const principal = adminOf(request);
    const c = await findComplaintDetail(db, request.params.idOrCode);
    const tree = toAgencyTree(await findAgencyNodes(db));
    const access = c ? decideComplaintAccess(principal, { agencyId: c.agencyId, regionCode: c.regionCode, copyAgencyIds: c.copies.map((x) => x.agencyId), status: c.status }, tree) : 'none';
    // Out of scope looks the same as missing: the caller learns nothing about other agencies' cases.
    if (!c || access === 'none') throw notFound(`complaint "${request.params.idOrCode}"`);
    const wantsReveal = request.query.reveal === 'true';
    if (wantsReveal && !IDENTITY_REVEALERS.includes(principal.role)) throw forbidden(`${principal.role} may not reveal an anonim reporter (only ${IDENTITY_REVEALERS.join(', ')})`);
    if (wantsReveal && !c.anonymous) throw badRequest('this complaint is not anonim: the reporter is shown without reveal');
    if (wantsReveal) await saveReveal(db, apiActor(principal, request.id), c, request.query.reason ?? '');
    const showIdentity = !c.anonymous || wantsReveal;
    const shown = decideContentVisibility(access, c);
    const hide = (chatId: string) => (showIdentity ? chatId : null);
    return {
      id: c.id, trackingCode: c.trackingCode, type: c.type, status: c.status, outcome: c.outcome, channel: c.channel, access,
      category: c.category, agency: c.agency, regionCode: c.regionCode, anonymous: c.anonymous, confidential: c.confidential,
      title: shown.title ? c.title : null, description: shown.content ? c.description : null, addressText: shown.content ? c.addressText : null,
      incidentDate: c.incidentDate?.toISOString().slice(0, 10) ?? null, submittedAt: c.submittedAt.toISOString(), closedAt: c.closedAt?.toISOString() ?? null, rating: c.rating,
      identityHidden: !showIdentity,
      reporter: showIdentity ? { citizenId: c.citizen.id, displayName: c.citizen.displayName, chatId: c.chatId, identities: c.citizen.identities } : null,
      attachments: shown.content ? c.attachments : [],
      messages: shown.content ? c.messages.map((m) => ({ id: m.id, direction: m.direction, channel: m.channel, chatId: m.direction === 'IN' ? hide(m.chatId) : m.chatId, text: m.text, createdAt: m.createdAt.toISOString() })) : [],
      events: c.events.map((e) => ({ id: e.id.toString(), type: e.type, fromStatus: e.fromStatus, toStatus: e.toStatus, agencyId: e.agencyId, actorType: e.actorType, actorId: e.actorType === 'CITIZEN' && !showIdentity ? null : e.actorId, createdAt: e.createdAt.toISOString() })),
    };
  });

  api.get('/audit', { preHandler: ctx.guard(AUDIT_READERS), schema: { tags: ['audit'], querystring: AuditQuery } }, async (request) => {
    const { from, to, cursor, ...rest } = request.query;
    return findAudit(db, { ...rest, agencyIds: await scopedAgencyIds(db, adminOf(request)), from: from ? startOf(from) : undefined, to: to ? dayAfter(to) : undefined, cursor: cursor ? BigInt(cursor) : undefined });
  });
}
