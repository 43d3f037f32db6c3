/**
 * JIDs as this channel reads them: persons by phone number (…@s.whatsapp.net, …@c.us) or by LID
 * (…@lid), groups (…@g.us), and the broadcast addresses the bot never answers. Pure string work.
 */

export type JidKind = 'pn' | 'lid' | 'group' | 'status' | 'broadcast' | 'newsletter' | 'other';

/** "628123:12@s.whatsapp.net" → "628123@s.whatsapp.net" (device and agent dropped; @c.us → @s.whatsapp.net). */
export function normaliseJid(jid: string): string {
  const at = jid.lastIndexOf('@');
  if (at <= 0) return jid;
  const user = jid.slice(0, at).split(':')[0]?.split('_')[0] ?? '';
  const server = jid.slice(at + 1);
  return `${user}@${server === 'c.us' ? 's.whatsapp.net' : server}`;
}

export function jidKind(jid: string): JidKind {
  if (jid === 'status@broadcast') return 'status';
  const server = jid.slice(jid.lastIndexOf('@') + 1);
  const user = jid.slice(0, jid.lastIndexOf('@'));
  if (!user) return 'other';
  if (server === 's.whatsapp.net' || server === 'c.us') return /^\d+(?:[:_]\d+)*$/.test(user) ? 'pn' : 'other';
  if (server === 'lid') return /^\d+(?:[:_]\d+)*$/.test(user) ? 'lid' : 'other';
  if (server === 'g.us') return /^[\d-]+$/.test(user) ? 'group' : 'other';
  if (server === 'broadcast') return 'broadcast';
  if (server === 'newsletter') return 'newsletter';
  return 'other';
}

export function userOf(jid: string): string {
  return normaliseJid(jid).split('@')[0] ?? '';
}

/** The stable chat id of a group: "g-<group id>". */
export function groupChatId(groupJid: string): string {
  return `g-${userOf(groupJid)}`;
}

/** "g-120363…" → "120363…@g.us"; null for a person's chat id. */
export function groupJidOf(chatId: string): string | null {
  return chatId.startsWith('g-') && /^g-[\d-]+$/.test(chatId) ? `${chatId.slice(2)}@g.us` : null;
}

/** The chat id a person gets on first contact: their phone number, or "lid-<lid>" when only the LID is known. */
export function newPersonChatId(pnJid: string | undefined, lidJid: string | undefined): string {
  if (pnJid) return userOf(pnJid);
  return `lid-${userOf(lidJid ?? '')}`;
}

/** Digits of a phone number for requestPairingCode: "+62 812-3456" → "628123456". */
export function pairingDigits(number: string): string {
  return number.replace(/\D/g, '');
}
