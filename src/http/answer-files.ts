/**
 * `GET /api/webchat/files/:id?chatId=…`: a file an agency sent with its answer, for the web chat
 * that filed the complaint (the chat id is that chat's secret). Anything else, including files of
 * internal notes, is 404: whether a file exists is not revealed.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ChatIdSchema } from '../channels/webchat/inbound.js';
import type { MediaReader } from '../store/media.js';

const Params = z.strictObject({ id: z.uuid() });
const Query = z.strictObject({ chatId: ChatIdSchema });

export function registerAnswerFiles(app: FastifyInstance, media: Pick<MediaReader, 'readForReporter'>): void {
  app.get('/api/webchat/files/:id', async (request, reply) => {
    const params = Params.safeParse(request.params);
    const query = Query.safeParse(request.query);
    if (!params.success || !query.success) return reply.code(404).send({ error: 'not found' });
    const file = await media.readForReporter(params.data.id, { channel: 'WEBCHAT', chatId: query.data.chatId });
    if (!file) return reply.code(404).send({ error: 'not found' });
    const name = (file.name ?? 'berkas').replace(/[^\w.-]/g, '_');
    return reply
      .header('content-type', file.mimeType)
      .header('content-disposition', `${file.mimeType.startsWith('image/') ? 'inline' : 'attachment'}; filename="${name}"`)
      .header('x-content-type-options', 'nosniff')
      .send(file.data);
  });
}
