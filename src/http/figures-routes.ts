/**
 * Figures over HTTP: GET /api/admin/figures (admin token; scoped to the caller; JSON or CSV),
 * GET /api/public/figures (no login, cached; aggregates only) and the transparency page /transparansi.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AdminGuard } from './admin-guard.js';
import { adminOf } from './admin-guard.js';
import { buildFiguresReport, localToday, parseFiguresQuery, toFiguresCsv, type FiguresDeps, type FiguresReport } from '../services/figures.js';

export interface FiguresRouteDeps {
  figures: FiguresDeps;
  guard: AdminGuard;
  /** Seconds the public JSON may be cached by browsers and proxies (and is cached in memory). */
  publicMaxAgeSeconds: number;
}

export function registerFiguresRoutes(app: FastifyInstance, deps: FiguresRouteDeps): void {
  const today = () => localToday(deps.figures.calendar(), deps.figures.now(), deps.figures.timeZone);
  const send = (reply: FastifyReply, report: FiguresReport, format: 'json' | 'csv') =>
    format === 'csv'
      ? reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="angka-aduan-${report.period.from}-${report.period.to}.csv"`)
          .send(toFiguresCsv(report))
      : reply.send(report);

  app.get('/api/admin/figures', { preHandler: deps.guard }, async (request, reply) => {
    const parsed = parseFiguresQuery(request.query, today());
    if (!parsed.ok) return reply.code(400).send({ error: 'bad_request', message: parsed.message });
    const result = await buildFiguresReport(deps.figures, parsed.query, adminOf(request));
    if (!result.ok) return reply.code(result.status).send({ error: result.status === 404 ? 'not_found' : 'bad_request', message: result.message });
    return send(reply, result.report, parsed.format);
  });

  const cache = new Map<string, { at: number; report: FiguresReport }>();
  app.get('/api/public/figures', async (request, reply) => {
    const parsed = parseFiguresQuery(request.query, today());
    if (!parsed.ok) return reply.code(400).header('cache-control', 'no-store').send({ error: 'bad_request', message: parsed.message });
    const key = JSON.stringify(parsed.query);
    const nowMs = deps.figures.now().getTime();
    const hit = cache.get(key);
    let report = hit && nowMs - hit.at < deps.publicMaxAgeSeconds * 1000 ? hit.report : undefined;
    if (!report) {
      const result = await buildFiguresReport(deps.figures, parsed.query, null);
      if (!result.ok) return reply.code(result.status).header('cache-control', 'no-store').send({ error: 'not_found', message: result.message });
      report = result.report;
      if (cache.size > 500) cache.clear();
      cache.set(key, { at: nowMs, report });
    }
    void reply.header('cache-control', `public, max-age=${deps.publicMaxAgeSeconds}`).header('access-control-allow-origin', '*');
    return send(reply, report, parsed.format);
  });

  app.get('/transparansi', (_request, reply) => reply.header('cache-control', 'public, max-age=300').sendFile('transparansi.html'));
}
