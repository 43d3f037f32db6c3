/** Talks to the web chat API of a test app through Fastify's inject (no sockets), like the page does. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';

export interface BotMessage {
  id: string;
  text: string;
  choices?: { id: string; label: string }[];
  input?: string;
  media?: { url: string; mimeType: string; name?: string }[];
}

export class WebchatClient {
  cursor: string | undefined;
  readonly chatId: string;

  constructor(private readonly http: FastifyInstance, chatId?: string) {
    this.chatId = chatId ?? `test-${randomUUID()}`;
  }

  async post(body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await this.http.inject({ method: 'POST', url: '/api/webchat/messages', payload: { chatId: this.chatId, clientMessageId: randomUUID(), ...body } });
    return { status: response.statusCode, json: response.json() };
  }

  /** Sends and returns the bot's new messages. */
  async say(body: Record<string, unknown> | string): Promise<BotMessage[]> {
    const result = await this.post(typeof body === 'string' ? { text: body } : body);
    expect(result.status, JSON.stringify(result.json)).toBe(202);
    return this.read();
  }

  async read(): Promise<BotMessage[]> {
    const query = new URLSearchParams({ chatId: this.chatId, ...(this.cursor ? { after: this.cursor } : {}) });
    const response = await this.http.inject({ method: 'GET', url: `/api/webchat/messages?${query.toString()}` });
    expect(response.statusCode).toBe(200);
    const body = response.json<{ messages: BotMessage[]; cursor: string | null }>();
    if (body.cursor) this.cursor = body.cursor;
    return body.messages;
  }

  /** The id of the choice whose label contains `label` in the last message that offered choices. */
  static choice(messages: BotMessage[], label: string): string {
    const offered = [...messages].reverse().find((m) => m.choices?.length);
    const found = offered?.choices?.find((c) => c.label.toLowerCase().includes(label.toLowerCase()));
    if (!found) throw new Error(`no choice "${label}" in ${JSON.stringify(offered?.choices)}`);
    return found.id;
  }
}

type FormAnswers = { type?: string; category?: string; subcategory?: string; description?: string; agency?: string; anonymous?: boolean; confidential?: boolean; address?: string };

/** Walks the whole intake form; returns the tracking code and every bot message seen. */
export async function fileComplaint(client: WebchatClient, answers: FormAnswers = {}): Promise<{ code: string; messages: BotMessage[] }> {
  const { summary, messages: seen } = await fillToSummary(client, answers);
  const m = await client.say({ choice: WebchatClient.choice(summary, 'Kirim') });
  seen.push(...m);
  const code = /\*([A-Z]{2,5}-[0-9A-Z]{4}-[0-9A-Z]{4})\*/.exec(m.at(-1)?.text ?? '')?.[1];
  if (!code) throw new Error(`no tracking code in ${JSON.stringify(m)}`);
  return { code, messages: seen };
}

/** Answers every question of the complaint form; `summary` is the bot's last turn, asking to send. */
export async function fillToSummary(client: WebchatClient, answers: FormAnswers = {}): Promise<{ summary: BotMessage[]; messages: BotMessage[] }> {
  const seen: BotMessage[] = [];
  const step = async (body: Record<string, unknown> | string) => {
    const messages = await client.say(body);
    seen.push(...messages);
    return messages;
  };
  let m = await step({ command: 'report' });
  m = await step({ choice: WebchatClient.choice(m, answers.type ?? 'Pengaduan') });
  m = await step({ choice: WebchatClient.choice(m, answers.category ?? 'Pekerjaan Umum') });
  await step({ choice: WebchatClient.choice(m, answers.subcategory ?? 'Jalan Rusak') });
  m = await step(answers.description ?? 'Jalan di depan Pasar Dinoyo berlubang besar sejak dua minggu, sudah ada pengendara jatuh.');
  await step({ choice: WebchatClient.choice(m, 'judul') });
  if ((answers.type ?? 'Pengaduan') !== 'Aspirasi') await step('kemarin');
  await step(answers.address ?? 'Jl. MT Haryono depan Pasar Dinoyo, Lowokwaru');
  m = await step('lewati');
  m = await step({ choice: WebchatClient.choice(m, answers.agency ?? 'Tidak tahu') });
  m = await step({ choice: WebchatClient.choice(m, answers.anonymous ? 'Ya' : 'Tidak') });
  m = await step({ choice: WebchatClient.choice(m, answers.confidential ? 'Ya' : 'Tidak') });
  return { summary: m, messages: seen };
}
