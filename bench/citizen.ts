/**
 * A synthetic citizen on the web chat. It reads the bot's last prompt (its `input` hint and the
 * `choices` ids such as `category.pu`) and answers it the way the page would post it, so no
 * catalog id is hard-coded: categories and sub-categories are picked from what the bot offers.
 *
 * Report: menu → report → type → category → sub-category → description → title → date (not for
 * aspirasi) → location → skip attachments → agency "unknown" → anonim → rahasia → send.
 * Status: menu → status → the tracking code of an earlier report.
 */
import { randomBytes } from 'node:crypto';
import type { WebchatPost } from '../src/channels/webchat/inbound.js';
import type { Choice, OutboundMessage } from '../src/domain/index.js';
import type { InboundOutcome } from '../src/services/handle-inbound.js';
import type { Rng } from './stats.js';

export type Goal = { kind: 'report' } | { kind: 'status'; code: string };

export interface CitizenOptions {
  goal?: Goal;
  /** Chance that a free-text answer is wrong first (too short, an unreadable date): the bot re-asks. */
  slipRate?: number;
}

/** Enough turns for the longest walk with every slip; more means the citizen is going round in circles. */
const MAX_TURNS = 40;

const ACCOUNTS = [
  'Jalan di depan pasar berlubang besar sejak dua minggu, sudah ada pengendara motor yang jatuh waktu hujan.',
  'Lampu penerangan jalan di gang kami mati semua sejak awal bulan, warga takut keluar malam.',
  'Saluran air tersumbat sampah sehingga setiap hujan deras air meluap ke rumah warga sekitar.',
  'Petugas loket meminta uang tambahan di luar tarif resmi untuk mempercepat pengurusan KTP saya.',
  'Parkir liar di trotoar depan sekolah membuat anak-anak harus berjalan di badan jalan setiap pagi.',
  'Sampah di TPS tidak diangkut selama lima hari, baunya menyengat dan banyak lalat di permukiman.',
];
const TITLES = ['Jalan berlubang dekat pasar', 'Lampu jalan mati di gang', 'Pungutan liar di loket', 'Sampah tidak diangkut'];
const ADDRESSES = [
  'Jl. Soekarno Hatta No. 9, Kec. Lowokwaru',
  'Jl. Kawi No. 24, Klojen',
  'Jl. Ki Ageng Gribig, Kedungkandang',
  'Jl. Raya Sawojajar gang 3 dekat masjid',
  'Jl. Raya Tlogomas, Sukun',
];
const DATES = ['kemarin', 'hari ini', '2 hari lalu'];

export class Citizen {
  readonly chatId = randomBytes(16).toString('base64url');
  /** The last message of the bot that asks for something; null before the first message or after the end. */
  private prompt: OutboundMessage | null = null;
  private turns = 0;
  private slipped = false;
  private sentCode = false;
  trackingCode: string | null = null;
  done = false;

  private readonly goal: Goal;
  private readonly slipRate: number;

  constructor(
    private readonly rng: Rng,
    options: CitizenOptions = {},
  ) {
    this.goal = options.goal ?? { kind: 'report' };
    this.slipRate = options.slipRate ?? 0;
  }

  get atSummary(): boolean {
    return this.prompt?.input === 'summary';
  }

  /** The next request body the page would post. */
  next(): WebchatPost {
    if (this.done) throw new Error(`citizen ${this.chatId} is done`);
    if (++this.turns > MAX_TURNS) throw new Error(`citizen ${this.chatId} is stuck at "${this.prompt?.text.slice(0, 60) ?? '(no prompt)'}"`);
    const clientMessageId = `${this.chatId}-${this.turns}`;
    const base = { chatId: this.chatId, clientMessageId };
    const answer = this.answer();
    return 'choice' in answer ? { ...base, choice: answer.choice } : 'location' in answer ? { ...base, location: answer.location } : { ...base, text: answer.text };
  }

  /** Takes in the bot's answer to the last body sent. */
  read(outcome: InboundOutcome): void {
    if (outcome.kind === 'duplicate') throw new Error(`message of ${this.chatId} taken for a duplicate`);
    this.prompt = outcome.replies.findLast((m) => m.input !== undefined) ?? null;
    if (outcome.trackingCode) {
      this.trackingCode = outcome.trackingCode;
      this.done = true;
    } else if (this.sentCode) this.done = true;
  }

  private answer(): { text: string } | { choice: string } | { location: { latitude: number; longitude: number; address?: string } } {
    const prompt = this.prompt;
    if (!prompt) return { text: 'halo' };
    const choices = prompt.choices ?? [];
    switch (prompt.input) {
      case 'choice':
        return { choice: this.choose(choices).id };
      case 'text':
        return this.text(choices);
      case 'date':
        if (this.slip()) return { text: 'entah kapan ya' };
        return { text: this.rng.pick(DATES) };
      case 'location':
        if (this.rng.chance(0.5)) return { text: this.rng.pick(ADDRESSES) };
        return { location: { latitude: -7.98 + this.rng.next() * 0.05, longitude: 112.6 + this.rng.next() * 0.05, ...(this.rng.chance(0.5) ? { address: this.rng.pick(ADDRESSES) } : {}) } };
      case 'media':
        return this.rng.chance(0.7) ? { choice: ending(choices, 'done').id } : { text: 'lewati' };
      case 'yesno':
        return { choice: ending(choices, this.rng.chance(0.3) ? 'yes' : 'no').id };
      case 'summary':
        return { choice: ending(choices, 'send').id };
      default:
        throw new Error(`unexpected prompt input "${prompt.input ?? ''}": ${prompt.text.slice(0, 60)}`);
    }
  }

  /** The menu by goal, "unknown" where offered (the agency step), otherwise any option the bot lists. */
  private choose(choices: readonly Choice[]): Choice {
    if (choices.length === 0) throw new Error('a choice prompt without choices');
    if (stepOf(choices[0]!) === 'main') return ending(choices, this.goal.kind);
    return choices.find((c) => c.id.endsWith('.unknown')) ?? this.rng.pick(choices);
  }

  private text(choices: readonly Choice[]): { text: string } | { choice: string } {
    if (this.goal.kind === 'status') {
      this.sentCode = true;
      return { text: this.rng.chance(0.5) ? this.goal.code : `cek ${this.goal.code.toLowerCase()}` };
    }
    const suggested = choices.find((c) => c.id.endsWith('.suggested'));
    if (suggested) return this.rng.chance(0.6) ? { choice: suggested.id } : { text: this.rng.pick(TITLES) };
    if (this.slip()) return { text: 'jalan rusak' };
    return { text: this.rng.pick(ACCOUNTS) };
  }

  /** At most one slip in a row, so the walk always ends. */
  private slip(): boolean {
    this.slipped = !this.slipped && this.rng.chance(this.slipRate);
    return this.slipped;
  }
}

const stepOf = (choice: Choice) => choice.id.slice(0, choice.id.indexOf('.'));

function ending(choices: readonly Choice[], optionId: string): Choice {
  const found = choices.find((c) => c.id.endsWith(`.${optionId}`));
  if (!found) throw new Error(`no "${optionId}" among ${choices.map((c) => c.id).join(', ')}`);
  return found;
}
