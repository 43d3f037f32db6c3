/**
 * OutboundMessage → WhatsApp texts. Baileys 7 cannot send buttons or lists, so choices are
 * numbered and the prompt says how to answer ("Balas 1, 2 atau 3"); the engine reads the number,
 * the label or a near spelling. The flows' *bold* is WhatsApp's own bold.
 */
import type { Language, OutboundMessage } from '../../domain/index.js';
import { renderNumbered } from '../channel.js';
import { MAX_MESSAGE_CHARS, MAX_SPELLED_CHOICES } from './limits.js';

const HINTS: Record<Language, { or: string; reply: string; range: (n: number) => string; location: string; media: string }> = {
  id: { or: 'atau', reply: 'Balas', range: (n) => `Balas dengan angka 1-${n}.`, location: '📍 Kirim lokasi (📎 → Lokasi) atau ketik alamatnya.', media: '📎 Kirim foto atau berkas, atau ketik jawaban Anda.' },
  en: { or: 'or', reply: 'Reply', range: (n) => `Reply with a number 1-${n}.`, location: '📍 Send a location (📎 → Location) or type the address.', media: '📎 Send a photo or file, or type your answer.' },
};

/** "Balas 1, 2 atau 3"; with many choices "Balas dengan angka 1-12." */
export function choiceHint(count: number, language: Language): string {
  const hint = HINTS[language];
  if (count > MAX_SPELLED_CHOICES) return hint.range(count);
  const numbers = Array.from({ length: count }, (_, i) => String(i + 1));
  const last = numbers.pop() ?? '1';
  return `${hint.reply} ${numbers.length ? `${numbers.join(', ')} ${hint.or} ${last}` : last}`;
}

export function renderMessage(message: OutboundMessage, language: Language): string[] {
  const count = message.choices?.length ?? 0;
  const hint = count > 0 ? choiceHint(count, language) : message.input === 'location' ? HINTS[language].location : '';
  const body = hint ? `${renderNumbered(message)}\n\n_${hint}_` : renderNumbered(message);
  return splitText(body, MAX_MESSAGE_CHARS);
}

/** Splits at line breaks (hard-cuts a single overlong line) so each piece stays within `max`. */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    let rest = line;
    while (rest.length > max) {
      if (current) parts.push(current);
      current = '';
      parts.push(rest.slice(0, max));
      rest = rest.slice(max);
    }
    if (current && current.length + 1 + rest.length > max) {
      parts.push(current);
      current = rest;
    } else current = current ? `${current}\n${rest}` : rest;
  }
  if (current || parts.length === 0) parts.push(current);
  return parts;
}
