/** Scripted Telegram conversations for the integration tests: a whole filing, and officers in a forum group. */
import { fixture, nextMessageId, nextUpdateId, TelegramCitizen, type Sent, type Update } from './telegram.js';

const CODE_IN_HTML = /<b>([A-Z]{2,5}-[0-9A-Z]{4}-[0-9A-Z]{4})<\/b>/;

/** Walks the complaint form with buttons, a map pin and no attachments; returns the code. */
export async function fileWithButtons(citizen: TelegramCitizen, answers: { category?: string; subcategory?: string } = {}): Promise<{ code: string; seen: Sent[] }> {
  const seen: Sent[] = [];
  const track = async (p: Promise<Sent[]>) => {
    const messages = await p;
    seen.push(...messages);
    return messages;
  };
  let m = await track(citizen.command('/start'));
  m = await track(citizen.press(TelegramCitizen.button(m, 'Buat laporan')));
  m = await track(citizen.press(TelegramCitizen.button(m, 'Pengaduan')));
  m = await track(citizen.press(TelegramCitizen.button(m, answers.category ?? 'Pekerjaan Umum')));
  await track(citizen.press(TelegramCitizen.button(m, answers.subcategory ?? 'Jalan Rusak')));
  m = await track(citizen.say('Jalan di depan Pasar Dinoyo berlubang besar sejak dua minggu, sudah ada pengendara jatuh.'));
  await track(citizen.press(TelegramCitizen.button(m, 'judul')));
  await track(citizen.say('kemarin'));
  await track(citizen.feed(fixture('location', citizen.chatId)));
  m = await track(citizen.say('lewati'));
  m = await track(citizen.press(TelegramCitizen.button(m, 'Tidak tahu')));
  m = await track(citizen.press(TelegramCitizen.button(m, 'Tidak')));
  m = await track(citizen.press(TelegramCitizen.button(m, 'Tidak')));
  m = await track(citizen.press(TelegramCitizen.button(m, 'Kirim')));
  // The routing notice may already have followed the confirmation: take the code from the confirmation itself.
  const code = m.map((sent) => CODE_IN_HTML.exec(sent.text ?? '')?.[1]).find((c) => c !== undefined);
  if (!code) throw new Error(`no tracking code in ${JSON.stringify(m)}`);
  return { code, seen };
}

/** A message in a supergroup (a forum topic when `threadId` is given). */
export function groupMessage(chatId: string, fromId: string, text: string, threadId?: number): Update {
  const command = /^\/\w+/.exec(text)?.[0];
  return {
    update_id: nextUpdateId(),
    message: {
      message_id: nextMessageId(),
      date: 1795000000,
      from: { id: Number(fromId), is_bot: false, first_name: 'Petugas' },
      chat: { id: Number(chatId), title: 'Pengaduan DPUPRPKP', type: 'supergroup', is_forum: true },
      text,
      ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] } : {}),
      ...(threadId !== undefined ? { message_thread_id: threadId, is_topic_message: true } : {}),
    },
  };
}

/** A button pressed on a message in a forum topic. */
export function groupPress(chatId: string, fromId: string, data: string, threadId: number): Update {
  return {
    update_id: nextUpdateId(),
    callback_query: {
      id: `gcb${nextMessageId()}`,
      from: { id: Number(fromId), is_bot: false, first_name: 'Petugas' },
      message: { message_id: 1, date: 1795000000, chat: { id: Number(chatId), type: 'supergroup', is_forum: true }, message_thread_id: threadId, is_topic_message: true, text: 'x' },
      chat_instance: '1',
      data,
    },
  };
}
