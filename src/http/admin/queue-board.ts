/**
 * The queue dashboard (Bull Board) at /api/admin/queues, for OPERATOR only. Browsers get a Basic
 * login prompt: any user name, the admin token as the password (store/admin-tokens.ts parseAuthorization).
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import type { AdminRouteContext } from './plugin.js';

export const QUEUE_BOARD_PATH = '/api/admin/queues';

export async function registerQueueBoard(scope: FastifyInstance, ctx: AdminRouteContext): Promise<void> {
  const adapter = new FastifyAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({ queues: ctx.queues.map((q) => new BullMQAdapter(q)), serverAdapter: adapter, options: { uiConfig: { boardTitle: 'Aduan queues' } } });
  await scope.register(async (board) => {
    board.addHook('onRequest', async (request, reply) => {
      const principal = await ctx.authenticate(request.headers.authorization);
      if (!principal) {
        await reply.code(401).header('www-authenticate', 'Basic realm="Aduan queues", charset="UTF-8"').send({ error: 'unauthorized', message: 'An OPERATOR admin token is required (Bearer, or Basic with the token as password).' });
        return reply;
      }
      if (principal.role !== 'OPERATOR') {
        await reply.code(403).send({ error: 'forbidden', message: `Role ${principal.role} may not use the queue dashboard.` });
        return reply;
      }
      request.admin = principal;
    });
    await board.register(adapter.registerPlugin(), { prefix: '/queues' });
  });
}
