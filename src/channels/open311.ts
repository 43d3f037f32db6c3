/**
 * Open311 clients have no chat: they follow a request by polling GET requests/{id}.json. Notices to
 * an Open311 request are recorded by the notify worker like any other and delivered nowhere.
 */
import type { OutboundMessage } from '../domain/index.js';
import type { ChannelAdapter } from './channel.js';

export class Open311Channel implements ChannelAdapter {
  readonly channel = 'OPEN311' as const;
  send(_chatId: string, _messages: readonly OutboundMessage[]): Promise<void> {
    return Promise.resolve();
  }
}
