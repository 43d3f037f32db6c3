/**
 * WAMessage → what the channel does with it. Pure: no socket, no database, no clock, so every kind
 * of message is table-tested from fixture JSON and fuzzed. Who wrote is described by the JIDs seen
 * (phone number and/or LID); the receiver turns that into one stable chat id.
 */
import type { InboundContent, MediaKind } from '../../domain/index.js';
import { jidKind, normaliseJid } from './jids.js';
import { WaMessageSchema, type WaContent } from './messages.js';

/** The JIDs of one person as a message shows them. */
export interface Sighting {
  pnJid?: string;
  lidJid?: string;
  /** The JID to answer (where the message came from). */
  replyJid: string;
}

/** A media file to download before it becomes a message; its size is known before downloading. */
export interface FileToFetch {
  kind: MediaKind;
  declaredMime: string;
  sizeBytes?: number;
  name?: string;
}

/** What a person's message carries, before the chat id is known. */
export type Payload =
  | { kind: 'content'; content: InboundContent; quotedId?: string }
  | { kind: 'file'; file: FileToFetch; caption?: string; quotedId?: string }
  /** Something the bot will not read: view-once media, stickers, unknown types; answered by rule. */
  | { kind: 'refuse'; reason: 'view-once' | 'unsupported'; what: string };

export type Reading =
  | { kind: 'private'; id: string; sender: Sighting; payload: Payload }
  | { kind: 'group'; id: string; groupJid: string; sender: Sighting; payload: Payload }
  /** Reactions, edits and deletions: recorded in the log, never part of a flow. */
  | { kind: 'event'; id: string; event: 'reaction' | 'edit' | 'delete'; chatJid: string }
  | { kind: 'ignored'; reason: string };

export function readMessage(raw: unknown): Reading {
  const parsed = WaMessageSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'ignored', reason: 'message does not parse' };
  const { key, message } = parsed.data;
  if (key.fromMe) return { kind: 'ignored', reason: 'own message' };
  const chatKind = jidKind(key.remoteJid);
  if (chatKind === 'status' || chatKind === 'broadcast' || chatKind === 'newsletter' || chatKind === 'other') return { kind: 'ignored', reason: `${chatKind} chat` };
  if (!message) return { kind: 'ignored', reason: 'no content (a stub or a message that could not be decrypted)' };

  const event = eventOf(message);
  if (event) return { kind: 'event', id: key.id, event, chatJid: key.remoteJid };

  if (chatKind === 'group') {
    const sender = key.participant ? sightingOf(key.participant, key.participantAlt ?? undefined) : null;
    if (!sender) return { kind: 'ignored', reason: 'group message without a person as sender' };
    return { kind: 'group', id: key.id, groupJid: normaliseJid(key.remoteJid), sender, payload: payloadOf(message) };
  }
  const sender = sightingOf(key.remoteJid, key.remoteJidAlt ?? undefined);
  if (!sender) return { kind: 'ignored', reason: 'not a person' };
  return { kind: 'private', id: key.id, sender, payload: payloadOf(message) };
}

/** The PN and LID forms of a person from a JID and its v7 "Alt" twin. */
function sightingOf(jid: string, alt: string | undefined): Sighting | null {
  const forms = [jid, alt].filter((j): j is string => j !== undefined).map((j) => ({ jid: normaliseJid(j), kind: jidKind(j) }));
  const pn = forms.find((f) => f.kind === 'pn')?.jid;
  const lid = forms.find((f) => f.kind === 'lid')?.jid;
  const first = forms[0];
  if (!first || (first.kind !== 'pn' && first.kind !== 'lid')) return null;
  return { replyJid: first.jid, ...(pn ? { pnJid: pn } : {}), ...(lid ? { lidJid: lid } : {}) };
}

function eventOf(message: WaContent): 'reaction' | 'edit' | 'delete' | null {
  const inner = message.ephemeralMessage?.message ?? message;
  if (inner.reactionMessage) return 'reaction';
  if (inner.editedMessage) return 'edit';
  const protocol = inner.protocolMessage;
  if (protocol) return protocol.editedMessage || protocol.type === 14 || protocol.type === 'MESSAGE_EDIT' ? 'edit' : 'delete';
  return null;
}

/** Ephemeral and document-with-caption wrappers come off; view-once is refused. */
function unwrap(message: WaContent): { content: WaContent; viewOnce: boolean } {
  let content = message;
  for (let depth = 0; depth < 5; depth++) {
    const viewOnce = content.viewOnceMessage ?? content.viewOnceMessageV2 ?? content.viewOnceMessageV2Extension;
    if (viewOnce) return { content: viewOnce.message ?? {}, viewOnce: true };
    const next = content.ephemeralMessage?.message ?? content.documentWithCaptionMessage?.message;
    if (!next) break;
    content = next;
  }
  return { content, viewOnce: false };
}

function payloadOf(message: WaContent): Payload {
  const { content: m, viewOnce } = unwrap(message);
  const media = m.imageMessage ?? m.videoMessage ?? m.audioMessage ?? m.documentMessage;
  if (viewOnce || media?.viewOnce) return { kind: 'refuse', reason: 'view-once', what: 'view-once media' };

  const text = m.conversation ?? m.extendedTextMessage?.text;
  if (typeof text === 'string') {
    if (!text.trim()) return { kind: 'refuse', reason: 'unsupported', what: 'empty text' };
    return withQuote({ kind: 'content', content: { kind: 'text', text } }, m.extendedTextMessage?.contextInfo?.stanzaId);
  }
  const files: [WaContent['imageMessage'], MediaKind, string][] = [
    [m.imageMessage, 'photo', 'image/jpeg'],
    [m.videoMessage, 'video', 'video/mp4'],
    [m.audioMessage, 'voice', 'audio/ogg'],
    [m.documentMessage, 'document', 'application/octet-stream'],
  ];
  for (const [file, kind, fallbackMime] of files) {
    if (!file) continue;
    const caption = file.caption?.trim();
    return withQuote(
      {
        kind: 'file',
        file: { kind, declaredMime: file.mimetype?.split(';')[0]?.trim() || fallbackMime, ...(file.fileLength != null ? { sizeBytes: file.fileLength } : {}), ...(file.fileName ? { name: file.fileName.slice(0, 255) } : {}) },
        ...(caption ? { caption } : {}),
      },
      file.contextInfo?.stanzaId,
    );
  }
  const place = m.locationMessage ?? m.liveLocationMessage;
  if (place) {
    if (place.degreesLatitude == null || place.degreesLongitude == null) return { kind: 'refuse', reason: 'unsupported', what: 'location without coordinates' };
    const address = [place.name, place.address].filter((p) => p && p.trim()).join(', ').slice(0, 500);
    return { kind: 'content', content: { kind: 'location', latitude: place.degreesLatitude, longitude: place.degreesLongitude, ...(address ? { address } : {}) } };
  }
  const contacts = m.contactMessage ? [m.contactMessage] : (m.contactsArrayMessage?.contacts ?? []);
  if (contacts.length > 0) return { kind: 'content', content: { kind: 'text', text: contacts.map(contactText).join('\n') } };
  const what = Object.keys(m).find((k) => m[k] !== null && m[k] !== undefined && k !== 'messageContextInfo') ?? 'empty';
  return { kind: 'refuse', reason: 'unsupported', what };
}

function withQuote<P extends Extract<Payload, { kind: 'content' | 'file' }>>(payload: P, stanzaId: string | null | undefined): P {
  return stanzaId ? { ...payload, quotedId: stanzaId } : payload;
}

/** A shared contact card, as the text a citizen would have typed: "Kontak: Nama, +62 812…". */
export function contactText(contact: { displayName?: string | null | undefined; vcard?: string | null | undefined }): string {
  const vcard = contact.vcard ?? '';
  const name = contact.displayName?.trim() || /^FN[^:]*:(.*)$/m.exec(vcard)?.[1]?.trim() || 'tanpa nama';
  const phones = [...vcard.matchAll(/^(?:item\d+\.)?TEL[^:]*:(.*)$/gm)].map((match) => match[1]?.trim()).filter((p): p is string => Boolean(p));
  return `Kontak: ${name}${phones.length ? `, ${phones.join(', ')}` : ''}`.slice(0, 1000);
}
