/**
 * Numbered choices without buttons: the choice ids of the last numbered message sent to a chat are
 * kept briefly in Redis, so a bare "2" becomes the same choice event a button press would be
 * (needed where a step also takes free text, such as "1. Pakai judul ini"). Choice ids name their
 * step, so an answer to an older prompt is refused by the engine as a closed choice.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { InboundContent, OutboundMessage } from '../../domain/index.js';

const Ids = z.array(z.string()).max(200);
const KEEP_SECONDS = 24 * 3600;

export class RecentChoices {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  private key(chatId: string): string {
    return `${this.prefix}:wa:choices:${chatId}`;
  }

  /** Remembers the choices of the last message that has any (a batch without choices clears them). */
  async remember(chatId: string, messages: readonly OutboundMessage[]): Promise<void> {
    const last = messages.at(-1);
    const ids = last?.choices?.map((c) => c.id) ?? [];
    if (ids.length > 0) await this.redis.set(this.key(chatId), JSON.stringify(ids), 'EX', KEEP_SECONDS);
    else await this.redis.del(this.key(chatId));
  }

  /** "2" → the second remembered choice; anything else unchanged. */
  async resolve(chatId: string, content: InboundContent): Promise<InboundContent> {
    if (content.kind !== 'text') return content;
    const number = /^\s*(\d{1,3})\s*\.?\s*$/.exec(content.text)?.[1];
    if (!number) return content;
    const stored = await this.redis.get(this.key(chatId));
    const parsed = stored ? Ids.safeParse(safeJson(stored)) : null;
    const id = parsed?.success ? parsed.data[Number(number) - 1] : undefined;
    return id ? { kind: 'choice', choiceId: id } : content;
  }
}

function safeJson(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return value;
  } catch {
    return null;
  }
}
