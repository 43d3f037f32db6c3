/** The few answers only the WhatsApp channel gives (the flows' texts live in conversations/). */
import type { Language } from '../../domain/index.js';

const TEXTS = {
  view_once: {
    id: 'Maaf, pesan "sekali lihat" tidak dapat kami simpan sebagai bukti. Mohon kirim ulang foto/video sebagai pesan biasa.',
    en: 'Sorry, "view once" messages cannot be kept as evidence. Please send the photo or video again as a normal message.',
  },
  unsupported: {
    id: 'Maaf, jenis pesan ini belum dapat kami baca. Mohon kirim teks, foto, video, dokumen, suara atau lokasi.',
    en: 'Sorry, this kind of message cannot be read yet. Please send text, a photo, video, document, voice note or location.',
  },
  flood: {
    id: 'Pesan Anda terlalu banyak dalam waktu singkat. Mohon tunggu sebentar, lalu kirim lagi.',
    en: 'You sent too many messages in a short time. Please wait a moment, then send again.',
  },
  group_not_linked: {
    id: 'Hanya petugas yang sudah terhubung (kirim "daftar KODE" ke nomor ini di chat pribadi) yang dapat mendaftarkan grup.',
    en: 'Only linked officers (send "daftar CODE" to this number in a private chat) can register a group.',
  },
} as const;

export type WhatsAppTextKey = keyof typeof TEXTS;

export function say(key: WhatsAppTextKey, language: Language): string {
  return TEXTS[key][language];
}
