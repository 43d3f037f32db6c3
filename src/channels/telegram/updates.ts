/**
 * The parts of a Telegram Update this channel reads, parsed with zod where the update enters.
 * Unknown fields pass through untouched; an update that does not parse is ignored and logged.
 */
import type { Update } from 'grammy/types';
import { z } from 'zod';

const User = z.looseObject({ id: z.number().int(), is_bot: z.boolean(), username: z.string().optional() });
const Chat = z.looseObject({ id: z.number().int(), type: z.enum(['private', 'group', 'supergroup', 'channel']) });
const FileRef = z.looseObject({
  file_id: z.string().min(1),
  file_unique_id: z.string().min(1),
  file_size: z.number().int().nonnegative().optional(),
  mime_type: z.string().optional(),
  file_name: z.string().optional(),
});
const Entity = z.looseObject({ type: z.string(), offset: z.number().int(), length: z.number().int() });
const Location = z.looseObject({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) });

export const MessageSchema = z.looseObject({
  message_id: z.number().int(),
  date: z.number().int(),
  chat: Chat,
  from: User.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  entities: z.array(Entity).optional(),
  photo: z.array(FileRef).optional(),
  document: FileRef.optional(),
  voice: FileRef.optional(),
  audio: FileRef.optional(),
  video: FileRef.optional(),
  video_note: FileRef.optional(),
  location: Location.optional(),
  venue: z.looseObject({ location: Location, title: z.string(), address: z.string() }).optional(),
  media_group_id: z.string().optional(),
  message_thread_id: z.number().int().optional(),
  is_topic_message: z.boolean().optional(),
  reply_to_message: z.looseObject({ message_id: z.number().int(), from: User.optional() }).optional(),
});
export type TgMessage = z.infer<typeof MessageSchema>;

export const CallbackQuerySchema = z.looseObject({
  id: z.string(),
  from: User,
  data: z.string().optional(),
  message: z.looseObject({ message_id: z.number().int(), chat: Chat, message_thread_id: z.number().int().optional() }).optional(),
});

export const UpdateSchema = z.looseObject({
  update_id: z.number().int().nonnegative(),
  message: MessageSchema.optional(),
  edited_message: z.looseObject({ chat: Chat }).optional(),
  callback_query: CallbackQuerySchema.optional(),
  my_chat_member: z.looseObject({ chat: Chat, new_chat_member: z.looseObject({ status: z.string() }) }).optional(),
});
export type TgUpdate = z.infer<typeof UpdateSchema>;

/** Only the envelope is checked here; the fields this channel reads are parsed by {@link UpdateSchema}. */
export function isUpdate(value: unknown): value is Update {
  return z.looseObject({ update_id: z.number().int().nonnegative() }).safeParse(value).success;
}

const ChatOf = z.looseObject({ chat: z.looseObject({ id: z.number().int() }) });
const Envelope = z.looseObject({
  message: ChatOf.optional(),
  edited_message: ChatOf.optional(),
  my_chat_member: ChatOf.optional(),
  callback_query: z.looseObject({ from: z.looseObject({ id: z.number().int() }), message: ChatOf.optional() }).optional(),
});

/** The chat an update belongs to (the key its handling is ordered by), or null for kinds without one. */
export function chatKeyOf(update: unknown): string | null {
  const parsed = Envelope.safeParse(update);
  if (!parsed.success) return null;
  const u = parsed.data;
  const id = u.message?.chat.id ?? u.edited_message?.chat.id ?? u.my_chat_member?.chat.id ?? u.callback_query?.message?.chat.id ?? u.callback_query?.from.id;
  return id === undefined ? null : String(id);
}
