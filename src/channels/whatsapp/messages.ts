/**
 * The parts of a Baileys WAMessage this channel reads, parsed with zod where the message enters.
 * Unknown fields pass through untouched; protobuf Longs arrive as numbers, strings or {low, high}.
 */
import { z } from 'zod';

const Long = z.union([
  z.number().nonnegative(),
  z.string().regex(/^\d{1,20}$/).transform(Number),
  z.looseObject({ low: z.number(), high: z.number() }).transform((l) => (l.high >>> 0) * 2 ** 32 + (l.low >>> 0)),
]);
const Text = z.string().max(100_000);

export const ContextInfoSchema = z.looseObject({
  stanzaId: z.string().max(200).nullish(),
  participant: z.string().max(200).nullish(),
});

const Media = z.looseObject({
  caption: Text.nullish(),
  mimetype: z.string().max(200).nullish(),
  fileLength: Long.nullish(),
  fileName: z.string().max(1000).nullish(),
  viewOnce: z.boolean().nullish(),
  contextInfo: ContextInfoSchema.nullish(),
});

const Location = z.looseObject({
  degreesLatitude: z.number().min(-90).max(90).nullish(),
  degreesLongitude: z.number().min(-180).max(180).nullish(),
  name: z.string().max(500).nullish(),
  address: z.string().max(500).nullish(),
  contextInfo: ContextInfoSchema.nullish(),
});

const Contact = z.looseObject({ displayName: z.string().max(500).nullish(), vcard: z.string().max(20_000).nullish() });

/** A message's content; wrappers (ephemeral, view-once, document-with-caption, edits) nest one. */
export interface WaContent {
  conversation?: string | null | undefined;
  extendedTextMessage?: { text?: string | null | undefined; contextInfo?: z.infer<typeof ContextInfoSchema> | null | undefined } | null | undefined;
  imageMessage?: z.infer<typeof Media> | null | undefined;
  videoMessage?: z.infer<typeof Media> | null | undefined;
  documentMessage?: z.infer<typeof Media> | null | undefined;
  audioMessage?: z.infer<typeof Media> | null | undefined;
  stickerMessage?: object | null | undefined;
  locationMessage?: z.infer<typeof Location> | null | undefined;
  liveLocationMessage?: z.infer<typeof Location> | null | undefined;
  contactMessage?: z.infer<typeof Contact> | null | undefined;
  contactsArrayMessage?: { contacts?: z.infer<typeof Contact>[] | null | undefined } | null | undefined;
  reactionMessage?: object | null | undefined;
  protocolMessage?: { type?: number | string | null | undefined; editedMessage?: WaContent | null | undefined } | null | undefined;
  editedMessage?: { message?: WaContent | null | undefined } | null | undefined;
  ephemeralMessage?: { message?: WaContent | null | undefined } | null | undefined;
  viewOnceMessage?: { message?: WaContent | null | undefined } | null | undefined;
  viewOnceMessageV2?: { message?: WaContent | null | undefined } | null | undefined;
  viewOnceMessageV2Extension?: { message?: WaContent | null | undefined } | null | undefined;
  documentWithCaptionMessage?: { message?: WaContent | null | undefined } | null | undefined;
  [other: string]: unknown;
}

const Wrapped: z.ZodType<{ message?: WaContent | null | undefined }> = z.looseObject({ message: z.lazy(() => ContentSchema).nullish() });

export const ContentSchema: z.ZodType<WaContent> = z.looseObject({
  conversation: Text.nullish(),
  extendedTextMessage: z.looseObject({ text: Text.nullish(), contextInfo: ContextInfoSchema.nullish() }).nullish(),
  imageMessage: Media.nullish(),
  videoMessage: Media.nullish(),
  documentMessage: Media.nullish(),
  audioMessage: Media.nullish(),
  stickerMessage: z.looseObject({}).nullish(),
  locationMessage: Location.nullish(),
  liveLocationMessage: Location.nullish(),
  contactMessage: Contact.nullish(),
  contactsArrayMessage: z.looseObject({ contacts: z.array(Contact).max(50).nullish() }).nullish(),
  reactionMessage: z.looseObject({}).nullish(),
  protocolMessage: z.looseObject({ type: z.union([z.number(), z.string()]).nullish(), editedMessage: z.lazy(() => ContentSchema).nullish() }).nullish(),
  editedMessage: Wrapped.nullish(),
  ephemeralMessage: Wrapped.nullish(),
  viewOnceMessage: Wrapped.nullish(),
  viewOnceMessageV2: Wrapped.nullish(),
  viewOnceMessageV2Extension: Wrapped.nullish(),
  documentWithCaptionMessage: Wrapped.nullish(),
});

const Jid = z.string().min(3).max(200);

export const WaMessageSchema = z.looseObject({
  key: z.looseObject({
    remoteJid: Jid,
    remoteJidAlt: Jid.nullish(),
    fromMe: z.boolean().nullish(),
    id: z.string().min(1).max(128).regex(/^[A-Za-z0-9._-]+$/),
    participant: Jid.nullish(),
    participantAlt: Jid.nullish(),
  }),
  message: ContentSchema.nullish(),
  pushName: z.string().max(200).nullish(),
});
export type WaMessage = z.infer<typeof WaMessageSchema>;

/** messages.upsert as emitted by the socket. */
export const UpsertSchema = z.looseObject({ type: z.string(), messages: z.array(z.unknown()).max(1000) });
