/**
 * A reply quoting the bot's message about a complaint means two things: from a linked officer it is
 * their answer to the citizen ("balas KODE …", unless they wrote an officer command themselves),
 * relayed by case handling to whatever channel the citizen filed on; from anyone else it goes to
 * the complaint's thread. WhatsApp's receiver does this itself; Telegram's gets it here.
 */
import type { InboundHandler } from '../channels/channel.js';
import type { InboundMessage, OutboundMessage } from '../domain/index.js';
import { toOfficerAnswer } from '../services/officer-desk.js';

type QuotedReply = (message: InboundMessage & { content: { kind: 'text' } }, code: string) => Promise<OutboundMessage[] | null>;

/** Wraps a citizen's quoted-reply handler so linked officers' quotes become answers. */
export function withOfficerAnswers(deps: { handle: InboundHandler; isOfficer: (senderId: string) => Promise<boolean>; citizenReply: QuotedReply }): QuotedReply {
  return async (message, code) => {
    if (!(await deps.isOfficer(message.senderId))) return deps.citizenReply(message, code);
    // The officer desk answers in the officer's chat itself (the confirmation, or what was wrong).
    await deps.handle({ ...message, content: { kind: 'text', text: toOfficerAnswer(message.content.text, code) } });
    return [];
  };
}
