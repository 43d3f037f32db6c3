/**
 * The web chat API (see README "Web chat API"): POST a message or a file, GET the bot's messages
 * after a cursor. Each POST is handled before the 202, so two quick messages are answered in order.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { InboundMessage, Language } from '../domain/index.js';
import type { Texts } from '../engine/index.js';
import { ChatIdSchema, toInbound, WebchatPostSchema } from '../channels/webchat/inbound.js';
import { toWebchatMessage, type WebchatChannel } from '../channels/webchat/outbox.js';
import { BusyError, type InboundOutcome } from '../services/handle-inbound.js';
import type { RateLimiter } from '../services/ports.js';
import type { SavedMedia } from '../store/media.js';

export interface WebchatRouteDeps {
  handle: (message: InboundMessage) => Promise<InboundOutcome>;
  outbox: Pick<WebchatChannel, 'read'>;
  saveMedia: (input: { chatId: string; data: Buffer; declaredMime: string; name?: string }) => Promise<SavedMedia>;
  limiter: RateLimiter;
  texts: Texts;
  language: Language;
  ratePerMinute: number;
  ipRatePerMinute: number;
  maxUploadBytes: number;
  now: () => Date;
}

const ReadQuerySchema = z.strictObject({ chatId: ChatIdSchema, after: z.string().regex(/^\d+-\d+$/).optional() });

export function registerWebchatRoutes(app: FastifyInstance, deps: WebchatRouteDeps): void {
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
  });
  const busy = (reply: FastifyReply) =>
    reply.code(503).header('retry-after', '5').send({ error: 'service temporarily unavailable', message: deps.texts.t('busy', deps.language) });

  /** Per chat, and per client address: a new chat id per request must not escape the limit (code enumeration). */
  const admit = async (chatId: string, reply: FastifyReply): Promise<boolean> => {
    const byIp = await deps.limiter.hit(`webchat-ip:${reply.request.ip}`, deps.ipRatePerMinute, 60_000);
    const gate = byIp.allowed ? await deps.limiter.hit(`webchat:${chatId}`, deps.ratePerMinute, 60_000) : byIp;
    if (gate.allowed) return true;
    await reply.code(429).header('retry-after', String(Math.ceil(gate.retryAfterMs / 1000))).send({ error: 'Terlalu banyak pesan. Tunggu sebentar.' });
    return false;
  };

  const deliver = async (message: InboundMessage, reply: FastifyReply) => {
    try {
      const outcome = await deps.handle(message);
      if (outcome.kind === 'handled' && outcome.undelivered) {
        // Taken, but its replies are not in the chat's history: they come with this answer instead.
        const time = deps.now();
        const messages = outcome.replies.map((m, i) => ({ id: `unsent-${message.platformMessageId}-${i}`, ...toWebchatMessage(message.chatId, m, time) }));
        return await reply.code(202).send({ accepted: true, duplicate: false, messages });
      }
      return await reply.code(202).send({ accepted: true, duplicate: outcome.kind === 'duplicate' });
    } catch (error) {
      if (error instanceof BusyError || isConnectionError(error)) {
        reply.log.warn({ err: error, channel: message.channel }, 'inbound message not handled: busy');
        return busy(reply);
      }
      throw error;
    }
  };

  app.post('/api/webchat/messages', async (request, reply) => {
    const parsed = WebchatPostSchema.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send({ error: oneLine(parsed.error) });
    try {
      if (!(await admit(parsed.data.chatId, reply))) return reply;
    } catch (error) {
      request.log.warn({ err: error }, 'rate limiter unavailable');
      return busy(reply);
    }
    return deliver(toInbound(parsed.data, deps.now()), reply);
  });

  app.post('/api/webchat/media', async (request, reply) => {
    if (!request.isMultipart()) return reply.code(400).send({ error: 'expected multipart/form-data with fields chatId and file' });
    const fields: Record<string, string> = {};
    let file: { data: Buffer; mimeType: string; name: string } | undefined;
    for await (const part of request.parts()) {
      if (part.type === 'field') fields[part.fieldname] = String(part.value);
      else if (part.fieldname === 'file' && !file) {
        const data = await part.toBuffer().catch((error: unknown) => (isTooLarge(error) ? null : Promise.reject(error instanceof Error ? error : new Error(String(error)))));
        if (data === null) return reply.code(413).send({ error: deps.texts.t('error_media_too_big', deps.language, { maxMb: Math.floor(deps.maxUploadBytes / 1048576) }) });
        file = { data, mimeType: part.mimetype, name: part.filename };
      } else part.file.resume();
    }
    const chatId = ChatIdSchema.safeParse(fields.chatId);
    if (!chatId.success) return reply.code(400).send({ error: oneLine(chatId.error) });
    if (!file || file.data.length === 0) return reply.code(400).send({ error: 'field "file" is missing or empty' });
    try {
      if (!(await admit(chatId.data, reply))) return reply;
    } catch {
      return busy(reply);
    }
    const saved = await deps.saveMedia({ chatId: chatId.data, data: file.data, declaredMime: file.mimeType, name: file.name });
    if (!saved.ok) return reply.code(400).send({ error: deps.texts.t('error_media_type', deps.language, { type: saved.mimeType }) });
    const clientMessageId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).safeParse(fields.clientMessageId);
    const message: InboundMessage = {
      channel: 'WEBCHAT',
      chatId: chatId.data,
      senderId: chatId.data,
      platformMessageId: clientMessageId.success ? clientMessageId.data : `media-${saved.media.attachmentId}`,
      content: { kind: 'media', media: [saved.media] },
      receivedAt: deps.now(),
    };
    return deliver(message, reply);
  });

  app.get('/api/webchat/messages', async (request, reply) => {
    const query = ReadQuerySchema.safeParse(request.query);
    if (!query.success) return reply.code(400).send({ error: oneLine(query.error) });
    try {
      const { messages, cursor } = await deps.outbox.read(query.data.chatId, query.data.after);
      return { messages, cursor };
    } catch (error) {
      request.log.warn({ err: error }, 'web chat history unavailable');
      return busy(reply);
    }
  });
}

function oneLine(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid request';
  return issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

function isTooLarge(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'FST_REQ_FILE_TOO_LARGE';
}

/** ioredis and pg connection failures: the dependency is down, not the request wrong. */
function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // ioredis gives up a command with "Reached the max retries per request limit" while Redis restarts.
  return /ECONNREFUSED|ETIMEDOUT|ECONNRESET|Connection is closed|Stream isn't writeable|enableOfflineQueue|Can't reach database|connect|max retries per request/i.test(error.message);
}
