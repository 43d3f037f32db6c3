/**
 * Open311 GeoReport v2 under /open311/v2 (JSON): services, service definitions, requests.
 * POST requests.json needs an api_key (npm run cli -- open311 key --name N) and goes through the same
 * Submission table, intake queue and workers as a chat's confirmed form; service_request_id is the
 * tracking code. Rahasia complaints are never listed; no reporter data is ever returned.
 * Every service has two optional attributes, `anonim` and `rahasia` (true/false), sent as
 * attribute[anonim]=true (form) or "attribute": {"anonim": "true"} (JSON). The client that filed a
 * rahasia request follows it with its api_key on GET requests/{id}.json: status only, no content.
 * Errors use the spec's format: [{ "code": 400, "description": "…" }].
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { isOpen } from '../domain/lifecycle.js';
import { COMPLAINT_STATUSES, type ComplaintStatus } from '../domain/complaint.js';
import { redactText } from '../domain/redact.js';
import { newTrackingCode } from '../domain/tracking-code.js';
import type { SubmittedForm } from '../domain/submission.js';
import type { Open311Row, PgOpen311Store } from '../store/open311.js';

export interface Open311Deps {
  store: PgOpen311Store;
  enqueueIntake: (trackingCode: string) => Promise<void>;
  trackingCodePrefix: string;
  defaultRegionCode: string;
  /** Status names shown as status_notes (Bahasa Indonesia). */
  statusName: (status: ComplaintStatus) => string;
  now: () => Date;
  newCode?: (prefix: string) => string;
}

const MAX_RESULTS = 1000;
const WINDOW_DAYS = 90;
const DAY_MS = 86_400_000;

/** An attribute value: "true"/"false" (form fields are text), or a JSON boolean. */
const flag = z.union([z.enum(['true', 'false']), z.boolean()], { error: 'true or false' }).transform((v) => v === true || v === 'true');

const ATTRIBUTES = [
  { code: 'anonim', order: 1, description: 'Anonim: sembunyikan identitas pelapor dari instansi terlapor dan publik' },
  { code: 'rahasia', order: 2, description: 'Rahasia: isi laporan tidak pernah ditampilkan kepada publik' },
].map((a) => ({
  variable: true, code: a.code, datatype: 'singlevaluelist', required: false, datatype_description: 'true atau false', order: a.order, description: a.description,
  values: [{ key: 'false', name: 'Tidak' }, { key: 'true', name: 'Ya' }],
}));

const PostSchema = z.strictObject({
  api_key: z.string().min(1).max(200),
  service_code: z.string().min(1).max(64),
  lat: z.coerce.number().min(-90).max(90).optional(),
  long: z.coerce.number().min(-180).max(180).optional(),
  address_string: z.string().min(1).max(1000).optional(),
  address_id: z.string().max(200).optional(),
  description: z.string().min(1).max(4000),
  jurisdiction_id: z.string().max(100).optional(),
  email: z.string().max(200).optional(),
  device_id: z.string().max(200).optional(),
  account_id: z.string().max(200).optional(),
  first_name: z.string().max(200).optional(),
  last_name: z.string().max(200).optional(),
  phone: z.string().max(50).optional(),
  media_url: z.url().max(2000).optional(),
  'attribute[anonim]': flag.optional(),
  'attribute[rahasia]': flag.optional(),
  attribute: z.strictObject({ anonim: flag.optional(), rahasia: flag.optional() }, { error: 'only the attributes anonim and rahasia exist' }).optional(),
}).refine((v) => (v.lat !== undefined && v.long !== undefined) || v.address_string !== undefined, { error: 'a location is required: lat and long, or address_string' });

const datetime = z.iso.datetime({ offset: true }).refine((v) => { const t = Date.parse(v); return t > Date.parse('2000-01-01T00:00:00Z') && t < Date.parse('2100-01-01T00:00:00Z'); }, { error: 'a date between 2000 and 2100' });
const ListSchema = z.strictObject({
  service_request_id: z.string().max(2000).regex(/^[A-Z0-9,-]+$/, { error: 'tracking codes separated by commas' }).optional(),
  service_code: z.string().max(64).optional(),
  start_date: datetime.optional(),
  end_date: datetime.optional(),
  status: z.string().regex(/^(open|closed)(,(open|closed))?$/, { error: 'open, closed or open,closed' }).optional(),
  jurisdiction_id: z.string().max(100).optional(),
});

const fail = (reply: FastifyReply, code: number, description: string) => reply.code(code).send([{ code, description }]);
const issues = (error: z.ZodError) => error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ');

export function registerOpen311Routes(app: FastifyInstance, deps: Open311Deps): void {
  void app.register((scope, _options, ready) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
      const params = new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'));
      const fields: Record<string, string> = {};
      for (const [key, value] of params) fields[key] = value;
      done(null, fields);
    });
    scope.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) =>
      fail(reply, error.statusCode && error.statusCode < 500 ? error.statusCode : 500, error.statusCode && error.statusCode < 500 ? error.message : 'internal error'),
    );
    scope.addHook('onSend', (_request, reply, payload, done) => {
      void reply.header('cache-control', 'no-store');
      done(null, payload);
    });

    scope.get('/services.json', async () =>
      (await deps.store.findServices()).map((s) => ({ service_code: s.code, service_name: s.name, description: s.description, metadata: true, type: 'realtime', keywords: '', group: s.group })),
    );

    scope.get<{ Params: { code: string } }>('/services/:code.json', async (request, reply) => {
      const code = request.params.code;
      if (!(await deps.store.findCategoryId(code))) return fail(reply, 404, `no service with code "${code.slice(0, 64)}"`);
      return { service_code: code, attributes: ATTRIBUTES };
    });

    scope.post('/requests.json', async (request, reply) => {
      const parsed = PostSchema.safeParse(request.body ?? {});
      if (!parsed.success) return fail(reply, 400, issues(parsed.error));
      const input = parsed.data;
      const now = deps.now();
      const client = await deps.store.findClient(input.api_key, now);
      if (!client) return fail(reply, 403, 'api_key is not valid');
      const categoryId = await deps.store.findCategoryId(input.service_code);
      if (!categoryId) return fail(reply, 404, `no service with code "${input.service_code}"`);
      const trackingCode = (deps.newCode ?? newTrackingCode)(deps.trackingCodePrefix);
      const reporter = input.account_id ?? input.device_id ?? input.email ?? 'client';
      const form: SubmittedForm = {
        trackingCode, channel: 'OPEN311', chatId: `open311:${client.id}`, senderId: `open311:${client.id}:${reporter}`, language: 'id', type: 'PENGADUAN', categoryId,
        title: input.description.replace(/\s+/g, ' ').slice(0, 80), description: input.description, incidentDate: null,
        location: { latitude: input.lat ?? null, longitude: input.long ?? null, address: input.address_string ?? null, regionCode: deps.defaultRegionCode },
        attachmentIds: [], requestedAgencyId: null, submittedAt: now.toISOString(),
        anonymous: input.attribute?.anonim ?? input['attribute[anonim]'] ?? false,
        confidential: input.attribute?.rahasia ?? input['attribute[rahasia]'] ?? false,
      };
      await deps.store.saveSubmission(form);
      // Stored first: if the enqueue fails the recovery sweep enqueues it, as for a chat.
      await deps.enqueueIntake(trackingCode).catch((error: unknown) => request.log.error({ err: error, trackingCode }, 'open311: enqueue failed; recovery will retry'));
      return reply.code(201).send([{ service_request_id: trackingCode, service_notice: 'Laporan diterima; simpan kode ini untuk mengikuti perkembangannya.', account_id: null }]);
    });

    scope.get('/requests.json', async (request, reply) => {
      const parsed = ListSchema.safeParse(request.query ?? {});
      if (!parsed.success) return fail(reply, 400, issues(parsed.error));
      const q = parsed.data;
      const end = q.end_date ? new Date(q.end_date) : deps.now();
      const start = q.start_date ? new Date(q.start_date) : new Date(end.getTime() - WINDOW_DAYS * DAY_MS);
      if (start > end) return fail(reply, 400, 'start_date is after end_date');
      if (end.getTime() - start.getTime() > WINDOW_DAYS * DAY_MS) return fail(reply, 400, `start_date and end_date may be at most ${WINDOW_DAYS} days apart`);
      const rows = await deps.store.findRequests({
        ...(q.service_request_id ? { codes: q.service_request_id.split(',').slice(0, MAX_RESULTS) } : {}),
        ...(q.service_code ? { serviceCode: q.service_code } : {}),
        ...(q.status ? { statuses: q.status.split(',').flatMap((s) => (s === 'open' || s === 'closed' ? [s] : [])) } : {}),
        start, end, limit: MAX_RESULTS,
      });
      return rows.map((r) => toRequest(r, deps));
    });

    scope.get<{ Params: { id: string }; Querystring: { api_key?: unknown } }>('/requests/:id.json', async (request, reply) => {
      const id = request.params.id;
      if (!/^[A-Z]{2,5}-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(id)) return fail(reply, 400, 'service_request_id is a tracking code such as ADU-7K3P-9QXM');
      const [row] = await deps.store.findRequests({ codes: [id], start: new Date(0), end: deps.now(), limit: 1 });
      if (row) return [toRequest(row, deps)];
      const apiKey = request.query.api_key;
      const client = typeof apiKey === 'string' && apiKey.length <= 200 ? await deps.store.findClient(apiKey, deps.now()) : null;
      const own = client ? await deps.store.findOwnConfidential(id, client.id) : null;
      if (own) return [toConfidentialRequest(own, deps)];
      if (await deps.store.isPending(id)) return [{ service_request_id: id, status: 'open', status_notes: 'Diterima, sedang dicatat.', service_notice: null }];
      return fail(reply, 404, `no request ${id}`);
    });
    ready();
  }, { prefix: '/open311/v2' });
}

/** A rahasia request, for the client that filed it: where it stands, nothing of what it says or where. */
function toConfidentialRequest(r: Open311Row, deps: Open311Deps) {
  return { ...toRequest(r, deps), description: null, address: null, lat: null, long: null };
}

function toRequest(r: Open311Row, deps: Open311Deps) {
  const status = COMPLAINT_STATUSES.find((s) => s === r.status) ?? 'SUBMITTED';
  return {
    service_request_id: r.trackingCode,
    status: isOpen(status) ? 'open' : 'closed',
    status_notes: deps.statusName(status),
    service_name: r.serviceName,
    service_code: r.serviceCode,
    description: redactText(r.description),
    agency_responsible: r.agencyName,
    service_notice: null,
    requested_datetime: r.submittedAt.toISOString(),
    updated_datetime: r.updatedAt.toISOString(),
    expected_datetime: null,
    address: r.address,
    address_id: null,
    zipcode: null,
    lat: r.latitude,
    long: r.longitude,
    media_url: null,
  };
}
