/** Officers and citizens talking to a test app through the web chat, with every message they were sent kept. */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { OfficerRole } from '../../src/domain/index.js';
import { createOfficerWithCode } from '../../src/services/onboarding.js';
import { eventually, type TestApp } from './app.js';
import { WebchatClient, type BotMessage } from './webchat-client.js';

/** A web chat that remembers everything it received, so a notice read by one call is not lost to the next. */
export class Chat {
  readonly seen: BotMessage[] = [];
  readonly client: WebchatClient;

  constructor(app: TestApp) {
    this.client = new WebchatClient(app.http!);
  }

  get chatId(): string {
    return this.client.chatId;
  }

  async say(body: Record<string, unknown> | string): Promise<BotMessage[]> {
    const messages = await this.client.say(body);
    this.seen.push(...messages);
    return messages;
  }

  async refresh(): Promise<string[]> {
    this.seen.push(...(await this.client.read()));
    return this.texts();
  }

  texts(): string[] {
    return this.seen.map((m) => m.text);
  }

  /** Waits for a message (counting from message number `since`) that equals or contains `match`. */
  async waitFor(match: string | RegExp, since = 0, what = String(match)): Promise<string> {
    const test = (text: string) => (typeof match === 'string' ? text === match || text.includes(match) : match.test(text));
    return eventually(async () => (await this.refresh()).slice(since).find(test), `"${what}" in chat ${this.chatId}`);
  }
}

/** Alerts officers get on their own (new complaints, replies, reminders), as opposed to the answer to a command. */
const ALERT = /^(📥 |🔔 |⏰ |Laporan \S+ masuk ke instansi Anda|Pelapor )/u;

export interface Officer {
  id: string;
  name: string;
  chat: Chat;
  /** Sends a desk command and returns the desk's answer to it (alerts that arrived meanwhile are kept in chat.seen). */
  run(command: string): Promise<string>;
}

let officerCount = 0;

export async function addOfficer(app: TestApp, input: { role: OfficerRole; agencyCode: string; name?: string }, now: Date): Promise<Officer> {
  const name = input.name ?? `Petugas ${input.agencyCode} ${++officerCount}`;
  const created = await createOfficerWithCode(app.cases.officers, { name, role: input.role, agencyCode: input.agencyCode }, now, 72);
  if ('error' in created) throw new Error(created.error);
  const chat = new Chat(app);
  const [linked] = await chat.say(`daftar ${created.code}`);
  expect(linked?.text).toMatch(/^Terhubung sebagai petugas /);
  return {
    id: created.officerId,
    name,
    chat,
    run: async (command) => {
      const replies = (await chat.say(command)).filter((m) => !ALERT.test(m.text));
      const reply = replies.at(-1)?.text;
      if (reply === undefined) throw new Error(`no answer to "${command}"`);
      return reply;
    },
  };
}

/** Address words nobody else uses, so address-based duplicate detection never links unrelated tests. */
export const uniquePlace = () => `Jl. ${randomBytes(3).toString('hex')} ${randomBytes(3).toString('hex')} Lowokwaru`;

export interface FilingAnswers {
  category?: string;
  subcategory?: string;
  description?: string;
  /** A map pin; otherwise a typed address (unique unless given). */
  pin?: { latitude: number; longitude: number };
  address?: string;
}

/** Files a complaint through the form and waits until intake stored, routed and planned it. */
export async function file(app: TestApp, citizen: Chat, answers: FilingAnswers = {}): Promise<{ code: string; id: string }> {
  const pick = async (label: string) => citizen.say({ choice: WebchatClient.choice(citizen.seen, label) });
  await citizen.say({ command: 'report' });
  await pick('Pengaduan');
  await pick(answers.category ?? 'Pekerjaan Umum');
  await pick(answers.subcategory ?? 'Jalan Rusak');
  await citizen.say(answers.description ?? 'Jalan berlubang besar sejak dua minggu, sudah ada pengendara jatuh di sana.');
  await pick('judul');
  await citizen.say('kemarin');
  await citizen.say(answers.pin ? { location: answers.pin } : (answers.address ?? uniquePlace()));
  await citizen.say('lewati');
  await pick('Tidak tahu');
  await pick('Tidak');
  await pick('Tidak');
  const [confirmed] = await pick('Kirim');
  const code = /\*([A-Z]{2,5}-[0-9A-Z]{4}-[0-9A-Z]{4})\*/.exec(confirmed?.text ?? '')?.[1];
  if (!code) throw new Error(`no tracking code in ${JSON.stringify(confirmed)}`);
  await settled(app, code);
  const row = await app.db.complaint.findUniqueOrThrow({ where: { trackingCode: code }, select: { id: true } });
  return { code, id: row.id };
}

/** Waits for the intake job of `code` (storage, routing, clocks, officer alerts) and every queued notice. */
export async function settled(app: TestApp, code?: string): Promise<void> {
  if (code) await eventually(async () => (await (await app.queues.intake.getJob(code))?.getState()) === 'completed', `intake of ${code}`);
  await eventually(async () => {
    const counts = await app.queues.notify.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).every((n) => n === 0);
  }, 'the notify queue to drain');
}

export const complaintOf = (app: TestApp, code: string) =>
  app.db.complaint.findUniqueOrThrow({ where: { trackingCode: code }, include: { agency: true, copies: true, events: { orderBy: { id: 'asc' } }, messages: { orderBy: { createdAt: 'asc' } } } });

export const agencyByCode = (app: TestApp, code: string) => app.db.agency.findUniqueOrThrow({ where: { code } });
