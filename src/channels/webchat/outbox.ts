/**
 * The web chat's delivery: each chat has a Redis stream of bot messages that the page polls with a
 * cursor (the stream id). Streams are capped and expire when a chat goes quiet; the complaint
 * itself never depends on them.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { OutboundMessage } from '../../domain/index.js';
import { SendError } from '../../services/ports.js';
import { LuaScript } from '../../store/redis.js';
import type { ChannelAdapter } from '../channel.js';

const HISTORY_TTL_SECONDS = 30 * 24 * 3600;
const READ_BATCH = 100;

/**
 * Appends ARGV[3..] to the chat's stream (KEYS[1], capped near ARGV[1] entries) and keeps it ARGV[2]
 * seconds: one command, so a turn's replies share the socket write of the other chats' commands
 * (a MULTI block went out on its own), and a script runs without interleaving, so they stay together
 * in the stream. An error (a key that is not a stream) fails the call; EXEC's results hid it.
 */
const APPEND = new LuaScript(`for i = 3, #ARGV do redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'm', ARGV[i]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return #ARGV - 2`);

export const WebchatMessageSchema = z.object({
  text: z.string(),
  choices: z.array(z.object({ id: z.string(), label: z.string() })).optional(),
  input: z.string().optional(),
  media: z.array(z.object({ url: z.string(), mimeType: z.string(), name: z.string().optional() })).optional(),
  time: z.string(),
});
export type WebchatMessage = z.infer<typeof WebchatMessageSchema> & { id: string };

export class WebchatChannel implements ChannelAdapter {
  readonly channel = 'WEBCHAT' as const;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly history: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private key(chatId: string) {
    return `${this.prefix}:webchat:${chatId}`;
  }

  async send(chatId: string, messages: readonly OutboundMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const time = this.now();
    const entries = messages.map((message) => JSON.stringify(toWebchatMessage(chatId, message, time)));
    try {
      await APPEND.run(this.redis, [this.key(chatId)], [this.history, HISTORY_TTL_SECONDS, ...entries]);
    } catch (error) {
      throw new SendError(`web chat delivery failed: ${error instanceof Error ? error.message : String(error)}`, true);
    }
  }

  /** Messages after `cursor` (exclusive), oldest first, and the cursor to ask with next time. */
  async read(chatId: string, cursor: string | undefined): Promise<{ messages: WebchatMessage[]; cursor: string | null }> {
    const start = cursor ? `(${cursor}` : '-';
    const entries = await this.redis.xrange(this.key(chatId), start, '+', 'COUNT', READ_BATCH);
    const messages: WebchatMessage[] = [];
    for (const [id, fields] of entries) {
      const raw = fields[fields.indexOf('m') + 1];
      const parsed = WebchatMessageSchema.safeParse(parseJson(raw));
      if (parsed.success) messages.push({ id, ...parsed.data });
    }
    return { messages, cursor: entries.at(-1)?.[0] ?? cursor ?? null };
  }
}

/** A bot message as the page reads it (without its stream id). */
export function toWebchatMessage(chatId: string, message: OutboundMessage, time: Date): Omit<WebchatMessage, 'id'> {
  // A stored file is fetched with the chat id as proof that this chat may read it.
  const media = message.media?.map(({ attachmentId, ...m }) => (attachmentId ? { ...m, url: `${m.url}?chatId=${encodeURIComponent(chatId)}` } : m));
  return { text: message.text, ...(message.choices ? { choices: message.choices } : {}), ...(message.input ? { input: message.input } : {}), ...(media ? { media } : {}), time: time.toISOString() };
}

function parseJson(raw: string | undefined): unknown {
  try {
    return raw === undefined ? null : JSON.parse(raw);
  } catch {
    return null;
  }
}
