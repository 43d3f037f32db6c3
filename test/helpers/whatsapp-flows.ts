/** Scripted WhatsApp conversations: a whole filing answered with numbers, labels and a near spelling. */
import type { SentWa, WhatsAppPerson } from './whatsapp.js';

/** The number of the choice whose label contains `label` in the last numbered message. */
export function numberOf(messages: SentWa[], label: string): string {
  for (const m of [...messages].reverse()) {
    const line = m.text.split('\n').find((l) => /^\d+\. /.test(l) && l.toLowerCase().includes(label.toLowerCase()));
    if (line) return line.split('.')[0]!;
  }
  throw new Error(`no numbered choice "${label}" in ${JSON.stringify(messages.map((m) => m.text))}`);
}

export async function fileByNumbers(person: WhatsAppPerson): Promise<{ code: string; seen: SentWa[] }> {
  const seen: SentWa[] = [];
  const track = async (p: Promise<SentWa[]>) => {
    const messages = await p;
    seen.push(...messages);
    return messages;
  };
  let m: SentWa[] = await track(person.say('menu'));
  m = await track(person.say(numberOf(m, 'Buat laporan')));
  await track(person.say(numberOf(m, 'Pengaduan')));
  // A label instead of the number, slightly misspelt.
  m = await track(person.say('pekerjaan umum dan penataan ruamg'));
  await track(person.say(numberOf(m, 'Jalan Rusak')));
  m = await track(person.say('Jalan di depan Pasar Dinoyo berlubang besar sejak dua minggu, sudah ada pengendara jatuh.'));
  await track(person.say(numberOf(m, 'judul')));
  await track(person.say('kemarin'));
  await track(person.feed(person.fixture('location')));
  m = await track(person.say('lewati'));
  m = await track(person.say(numberOf(m, 'Tidak tahu')));
  m = await track(person.say(numberOf(m, 'Tidak')));
  m = await track(person.say(numberOf(m, 'Tidak')));
  m = await track(person.say(numberOf(m, 'Kirim')));
  const code = /\*([A-Z]{2,5}-[0-9A-Z]{4}-[0-9A-Z]{4})\*/.exec(m.map((x) => x.text).join('\n'))?.[1];
  if (!code) throw new Error(`no tracking code in ${JSON.stringify(seen.map((x) => x.text))}`);
  return { code, seen };
}
