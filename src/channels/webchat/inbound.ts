/** Web chat request bodies → InboundMessage. The body is parsed here, where it enters. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { InboundMessage } from '../../domain/index.js';

/** Chat ids are minted by the page (a random UUID); they are the only secret of a web chat. */
export const ChatIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, { error: 'chatId must be 16-64 letters, digits, _ or -' });
const ClientMessageId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional();

/** Far above any form field: the engine answers "too long" for what it keeps; this guards the server. */
export const MAX_TEXT_BYTES = 200_000;

const LocationSchema = z.strictObject({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  address: z.string().max(500).optional(),
});
const COMMANDS = ['start', 'cancel', 'back', 'help', 'language', 'menu', 'report', 'status'] as const;

/** Exactly one of text, choice, location or command, beside the chat id. */
export const WebchatPostSchema = z
  .strictObject({
    chatId: ChatIdSchema,
    clientMessageId: ClientMessageId,
    text: z.string().max(MAX_TEXT_BYTES).optional(),
    choice: z.string().min(1).max(200).optional(),
    location: LocationSchema.optional(),
    command: z.enum(COMMANDS).optional(),
  })
  .refine((body) => [body.text, body.choice, body.location, body.command].filter((v) => v !== undefined).length === 1, {
    error: 'send exactly one of "text", "choice", "location" or "command"',
  });
export type WebchatPost = z.infer<typeof WebchatPostSchema>;

/**
 * PostgreSQL cannot store NUL characters or lone UTF-16 surrogates in text or jsonb (found by the
 * fuzz test: the session save failed with "invalid input syntax for type json"). NUL is dropped, a
 * lone surrogate becomes U+FFFD, so the citizen gets an ordinary answer instead of an error.
 */
export function toStorableText(text: string): string {
  return text.replaceAll(String.fromCharCode(0), '').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

export function toInbound(body: WebchatPost, receivedAt: Date): InboundMessage {
  const base = {
    channel: 'WEBCHAT' as const,
    chatId: body.chatId,
    senderId: body.chatId,
    platformMessageId: body.clientMessageId ?? randomUUID(),
    receivedAt,
  };
  if (body.text !== undefined) return { ...base, content: { kind: 'text', text: toStorableText(body.text) } };
  if (body.choice !== undefined) return { ...base, content: { kind: 'choice', choiceId: body.choice } };
  if (body.location !== undefined) {
    const { address, ...point } = body.location;
    return { ...base, content: { kind: 'location', ...point, ...(address !== undefined ? { address: toStorableText(address) } : {}) } };
  }
  return { ...base, content: { kind: 'command', command: body.command ?? 'start' } };
}
