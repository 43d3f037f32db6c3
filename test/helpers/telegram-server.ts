/**
 * A fake Telegram Bot API as a real HTTP server (node:http on a free port), for tests that point
 * TELEGRAM_API_ROOT at it: the service talks to it over sockets, timeouts and all. Each chat can be
 * given a script: its next sendMessage calls are answered, in order, with an error status, or left
 * hanging until the client gives up; calls past the script succeed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { BOT_USER } from './telegram.js';

export type Behaviour =
  | { kind: 'ok' }
  | { kind: 'error'; status: number; description: string; retryAfter?: number }
  /** Never answered. `delivered`: Telegram did deliver it (the worst case for the client, which cannot know). */
  | { kind: 'hang'; delivered: boolean };

export interface Call {
  method: string;
  chatId: string;
  text: string;
  answer: 'ok' | 'hang' | number;
}

export class BotApiServer {
  readonly calls: Call[] = [];
  private readonly scripts = new Map<string, Behaviour[]>();
  private readonly deliveries = new Map<string, string[]>();
  private nextMessageId = 5000;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<BotApiServer> {
    const server = createServer();
    const api = new BotApiServer(server);
    server.on('request', (req, res) => void api.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  get url(): string {
    const address = this.server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  /** The next sendMessage calls for `chatId` get these answers, one each. */
  script(chatId: string, behaviours: Behaviour[]): void {
    this.scripts.set(chatId, [...behaviours]);
  }

  /** Texts Telegram delivered to a chat, in delivery order. */
  delivered(chatId: string): string[] {
    return [...(this.deliveries.get(chatId) ?? [])];
  }

  answers(chatId: string): Call['answer'][] {
    return this.calls.filter((c) => c.method === 'sendMessage' && c.chatId === chatId).map((c) => c.answer);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private deliver(chatId: string, text: string): void {
    this.deliveries.set(chatId, [...(this.deliveries.get(chatId) ?? []), text]);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(Buffer.from(chunk as Uint8Array));
    const raw = Buffer.concat(chunks).toString('utf8');
    const payload = (raw && req.headers['content-type']?.includes('json') ? JSON.parse(raw) : {}) as Record<string, unknown>;
    const method = /\/bot[^/]+\/(\w+)$/.exec(req.url ?? '')?.[1] ?? 'unknown';
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (method === 'getMe') return reply(200, { ok: true, result: BOT_USER });
    if (method !== 'sendMessage') return reply(200, { ok: true, result: true });
    const chatId = String(payload.chat_id);
    const text = String(payload.text);
    const behaviour = this.scripts.get(chatId)?.shift() ?? { kind: 'ok' };
    if (behaviour.kind === 'error') {
      this.calls.push({ method, chatId, text, answer: behaviour.status });
      const parameters = behaviour.retryAfter !== undefined ? { parameters: { retry_after: behaviour.retryAfter } } : {};
      return reply(behaviour.status, { ok: false, error_code: behaviour.status, description: behaviour.description, ...parameters });
    }
    if (behaviour.kind === 'hang') {
      this.calls.push({ method, chatId, text, answer: 'hang' });
      if (behaviour.delivered) this.deliver(chatId, text);
      // No answer: the client's timeout ends it (close() ends whatever is left).
      return;
    }
    this.calls.push({ method, chatId, text, answer: 'ok' });
    this.deliver(chatId, text);
    const message_id = this.nextMessageId++;
    return reply(200, { ok: true, result: { message_id, date: 1795000000, chat: { id: Number(chatId), type: 'private' }, from: BOT_USER, text } });
  }
}
