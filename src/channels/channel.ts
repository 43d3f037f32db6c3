/**
 * The channel contract. An adapter turns platform updates into InboundMessage (handing them to the
 * inbound handler) and renders OutboundMessage for its platform. Adding a channel never touches
 * the engine or the services. Platform limits are named constants at the top of each adapter.
 */
import type { Channel, InboundMessage, OutboundMessage } from '../domain/index.js';
import type { InboundOutcome } from '../services/handle-inbound.js';
import { SendError, type ChatRef, type MessageSender, type SendOptions } from '../services/ports.js';

export type InboundHandler = (message: InboundMessage) => Promise<InboundOutcome>;

export interface ChannelAdapter {
  readonly channel: Channel;
  /** Delivers messages to one chat of this channel; throws SendError. A `key` delivers at most once where the channel can. */
  send(chatId: string, messages: readonly OutboundMessage[], key?: string): Promise<void>;
  /** Starts receiving (polling, sockets); HTTP-driven channels register routes instead. */
  start?(handler: InboundHandler): Promise<void>;
  stop?(): Promise<void>;
}

/** Routes outbound messages to the adapter that owns the chat's channel. */
export class ChannelRegistry implements MessageSender {
  private readonly adapters = new Map<Channel, ChannelAdapter>();

  register(adapter: ChannelAdapter): void {
    this.adapters.set(adapter.channel, adapter);
  }

  list(): ChannelAdapter[] {
    return [...this.adapters.values()];
  }

  async send(chat: ChatRef, messages: readonly OutboundMessage[], options?: SendOptions): Promise<void> {
    if (messages.length === 0) return;
    const adapter = this.adapters.get(chat.channel);
    if (!adapter) throw new SendError(`channel ${chat.channel} is not configured in this deployment`, false);
    await adapter.send(chat.chatId, messages, options?.key);
  }
}

/** Numbered options for channels without buttons ("1. Pengaduan"). */
export function renderNumbered(message: OutboundMessage): string {
  if (!message.choices?.length) return message.text;
  return `${message.text}\n\n${message.choices.map((c, i) => `${i + 1}. ${c.label}`).join('\n')}`;
}
