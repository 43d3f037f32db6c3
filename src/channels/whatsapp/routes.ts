/** Admin-only WhatsApp pages: the pairing QR as a PNG and the connection state, behind the shared guard. */
import type { FastifyInstance } from 'fastify';
import type { AdminGuard } from '../../http/admin-guard.js';
import type { ConnectionState } from './connection.js';
import { toPngQr } from './qr.js';

export interface WhatsAppAdminDeps {
  qr: () => string | null;
  state: () => ConnectionState;
}

export function registerWhatsAppAdminRoutes(app: FastifyInstance, guard: AdminGuard, deps: WhatsAppAdminDeps): void {
  app.get('/api/admin/whatsapp/qr.png', { preHandler: guard }, async (_request, reply) => {
    const qr = deps.qr();
    if (!qr) return reply.code(404).header('cache-control', 'no-store').send({ error: 'no_qr', message: 'No QR code is waiting: the number is paired, or the socket has not asked for one yet.', state: deps.state() });
    return reply.code(200).header('content-type', 'image/png').header('cache-control', 'no-store').send(await toPngQr(qr));
  });
  app.get('/api/admin/whatsapp/status', { preHandler: guard }, () => deps.state());
}
