/**
 * The one message model. Channel adapters turn platform updates into {@link InboundMessage} and
 * render {@link OutboundMessage}; nothing past `channels/` ever sees a platform type.
 */

export const CHANNELS = ['WEBCHAT', 'TELEGRAM', 'WHATSAPP', 'OPEN311'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface MediaRef {
  /** The stored attachment's id (the file is already in the media store). */
  attachmentId: string;
  kind: MediaKind;
  mimeType: string;
  sizeBytes: number;
  name?: string;
}
export type MediaKind = 'photo' | 'document' | 'voice' | 'video';

/** Commands are events, not text: /start, a menu button, or the bot's keyword for it. */
export type CommandName = 'start' | 'cancel' | 'back' | 'help' | 'language' | 'menu' | 'report' | 'status' | 'rate' | 'reply';

export type InboundContent =
  | { kind: 'text'; text: string }
  | { kind: 'choice'; choiceId: string }
  | { kind: 'location'; latitude: number; longitude: number; address?: string }
  | { kind: 'media'; media: MediaRef[]; caption?: string }
  | { kind: 'command'; command: CommandName; argument?: string };

export interface InboundMessage {
  channel: Channel;
  /** Where replies go (a private chat, a group, a web chat). */
  chatId: string;
  /** Who wrote it; equals chatId in private chats. */
  senderId: string;
  /** Unique per channel; the de-duplication key. */
  platformMessageId: string;
  content: InboundContent;
  receivedAt: Date;
}

export interface Choice {
  id: string;
  label: string;
}

/** What kind of answer the bot is waiting for; channels use it to offer the right control. */
export type InputHint = 'text' | 'choice' | 'date' | 'location' | 'media' | 'yesno' | 'summary';

export interface OutboundMessage {
  text: string;
  choices?: Choice[];
  input?: InputHint;
  /**
   * Files shown with the text. `url` is where a browser can fetch it (the web chat adds its chat id
   * as the proof of ownership); `attachmentId` names a stored attachment, which messaging channels
   * (Telegram, WhatsApp) upload from the media store instead of linking. Optional: older producers
   * and channels that only link keep working.
   */
  media?: { url: string; mimeType: string; name?: string; attachmentId?: string }[];
  /** Platform message id this answers, where the channel can quote it. */
  replyTo?: string;
}
