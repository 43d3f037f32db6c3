/**
 * OutboundMessage → sendMessage calls. Texts use *bold* (the flows' markup); they are sent as HTML
 * with everything else escaped, so a citizen's words can never break the message's formatting.
 */
import { InlineKeyboard } from 'grammy';
import type { InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove } from 'grammy/types';
import type { OutboundMessage } from '../../domain/index.js';
import { renderNumbered } from '../channel.js';
import { CALLBACK_DATA_MAX_BYTES, MAX_BUTTONS_PER_ROW, MAX_INLINE_BUTTONS, MAX_MESSAGE_CHARS, SHORT_LABEL_CHARS } from './limits.js';

export const LOCATION_BUTTON_LABEL = '📍 Kirim lokasi';

/** One sendMessage call, or (with `file`) one sendPhoto / sendDocument of a stored attachment. */
export interface TelegramPart {
  text: string;
  file?: { attachmentId: string; mimeType: string; name?: string };
  markup?: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove;
  replyToMessageId?: number;
}

/** True when every choice id fits in callback_data and the keyboard stays a sensible size. */
export function fitsButtons(message: OutboundMessage): boolean {
  const choices = message.choices ?? [];
  return choices.length > 0 && choices.length <= MAX_INLINE_BUTTONS && choices.every((c) => c.id.length > 0 && Buffer.byteLength(c.id, 'utf8') <= CALLBACK_DATA_MAX_BYTES);
}

export function renderMessage(message: OutboundMessage): TelegramPart[] {
  const buttons = fitsButtons(message);
  const body = buttons ? message.text : renderNumbered(message);
  const chunks = splitText(body, MAX_MESSAGE_CHARS - 200).map(toHtml);
  const markup = buttons ? inlineKeyboard(message) : message.input === 'location' ? locationKeyboard() : undefined;
  const replyTo = message.replyTo ? /(?:^|:)(\d+)$/.exec(message.replyTo)?.[1] : undefined;
  const texts: TelegramPart[] = chunks.map((text, i) => ({
    text,
    ...(i === chunks.length - 1 && markup ? { markup } : {}),
    ...(i === 0 && replyTo ? { replyToMessageId: Number(replyTo) } : {}),
  }));
  // Stored files follow the text, each uploaded; files without an attachment id are only links (web).
  const files: TelegramPart[] = (message.media ?? []).flatMap((m) => (m.attachmentId ? [{ text: '', file: { attachmentId: m.attachmentId, mimeType: m.mimeType, ...(m.name ? { name: m.name } : {}) } }] : []));
  return [...texts, ...files];
}

function inlineKeyboard(message: OutboundMessage): InlineKeyboardMarkup {
  const keyboard = new InlineKeyboard();
  let inRow = 0;
  for (const choice of message.choices ?? []) {
    const wide = choice.label.length > SHORT_LABEL_CHARS;
    if (inRow > 0 && (wide || inRow >= MAX_BUTTONS_PER_ROW)) {
      keyboard.row();
      inRow = 0;
    }
    keyboard.text(choice.label.slice(0, 64), choice.id);
    inRow = wide ? MAX_BUTTONS_PER_ROW : inRow + 1;
  }
  return { inline_keyboard: keyboard.inline_keyboard };
}

function locationKeyboard(): ReplyKeyboardMarkup {
  return { keyboard: [[{ text: LOCATION_BUTTON_LABEL, request_location: true }]], resize_keyboard: true, one_time_keyboard: true, input_field_placeholder: 'Kirim lokasi atau ketik alamat' };
}

/** Splits at line breaks (or hard, for one very long line) so each piece stays under `max` characters. */
export function splitText(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const parts: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    for (let rest = line; ; ) {
      const room = max - current.length - (current ? 1 : 0);
      if (rest.length <= room) {
        current = current ? `${current}\n${rest}` : rest;
        break;
      }
      if (current) {
        parts.push(current);
        current = '';
        continue;
      }
      parts.push(rest.slice(0, max));
      rest = rest.slice(max);
    }
  }
  if (current) parts.push(current);
  return parts;
}

/** Escapes HTML, then turns the flows' *bold* into <b>bold</b>. */
export function toHtml(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return escaped.replace(/\*([^*\n]+)\*/g, '<b>$1</b>');
}
