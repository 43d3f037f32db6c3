/**
 * The one WhatsApp socket of this process: opens it with the stored auth state, saves creds on
 * every update, shows the QR (or asks for a pairing code), and on close does what decide.ts says:
 * reconnect with backoff, a new socket after pairing, clear the session when logged out, or stop
 * and alert. Its state is exposed for /readyz and metrics.
 */
import type { AuthenticationState, BaileysEventMap, WAMessageKey, WASocket, proto } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import { z } from 'zod';
import { loadAuthState, type AuthStore, type StoredAuthState } from './auth-state.js';
import { decideReconnect, type ReconnectDecision } from './decide.js';
import { pairingDigits } from './jids.js';

/** The part of a Baileys socket this channel uses; tests provide a fake on Baileys' own event buffer. */
export type WaSocket = Pick<WASocket, 'ev' | 'sendMessage' | 'requestPairingCode' | 'end' | 'updateMediaMessage'> & {
  signalRepository?: { lidMapping?: { getPNForLID(lid: string): Promise<string | null> } };
};

export type SocketFactory = (input: { auth: AuthenticationState; getMessage: (key: WAMessageKey) => Promise<proto.IMessage | undefined>; log: Logger }) => WaSocket;

export type Scheduler = (run: () => void, ms: number) => { cancel(): void };
export const timerScheduler: Scheduler = (run, ms) => {
  const timer = setTimeout(run, ms);
  timer.unref();
  return { cancel: () => clearTimeout(timer) };
};

export type ConnectionPhase = 'idle' | 'connecting' | 'pairing' | 'open' | 'reconnecting' | 'logged-out' | 'stopped';

export interface ConnectionState {
  phase: ConnectionPhase;
  since: string;
  /** Failed reconnects in a row. */
  attempts: number;
  /** A QR code is waiting to be scanned (GET /api/admin/whatsapp/qr.png). */
  qrWaiting: boolean;
  lastDisconnect?: { statusCode: number | null; decision: ReconnectDecision['action']; reason: string; at: string };
}

export interface Alert {
  kind: 'logged-out' | 'stopped' | 'pairing';
  message: string;
}

export interface ConnectionDeps {
  store: AuthStore;
  createSocket: SocketFactory;
  getMessage: (key: WAMessageKey) => Promise<proto.IMessage | undefined>;
  onMessages: (upsert: BaileysEventMap['messages.upsert']) => void;
  onAlert: (alert: Alert) => void;
  onQr?: (qr: string) => void;
  onPairingCode?: (code: string) => void;
  /** Pair by code for this number instead of scanning the QR. */
  pairingNumber?: string | undefined;
  log: Logger;
  now: () => Date;
  scheduler: Scheduler;
  random?: () => number;
}

const BoomShape = z.looseObject({ output: z.looseObject({ statusCode: z.number().int() }) });

/** The status code of a Boom error (lastDisconnect.error), if any. */
export function statusOf(error: unknown): number | undefined {
  const parsed = BoomShape.safeParse(error);
  return parsed.success ? parsed.data.output.statusCode : undefined;
}

export class WhatsAppConnection {
  private auth: StoredAuthState | null = null;
  private sock: WaSocket | null = null;
  private detach: (() => void) | null = null;
  private timer: { cancel(): void } | null = null;
  private qr: string | null = null;
  private pairingRequested = false;
  private stopping = false;
  private current: ConnectionState;

  constructor(private readonly deps: ConnectionDeps) {
    this.current = { phase: 'idle', since: deps.now().toISOString(), attempts: 0, qrWaiting: false };
  }

  /** Loads the session (a wrong WHATSAPP_AUTH_KEY throws here, before any socket) and connects. */
  async start(): Promise<void> {
    this.stopping = false;
    this.auth = await loadAuthState(this.deps.store, this.deps.log);
    if (!this.auth.restored) this.deps.log.warn('no WhatsApp session stored: pair this number (QR in the log and at /api/admin/whatsapp/qr.png, or WHATSAPP_PAIRING_NUMBER)');
    this.open();
  }

  state(): ConnectionState {
    return { ...this.current, qrWaiting: this.qr !== null };
  }

  currentQr(): string | null {
    return this.qr;
  }

  /** The socket, only while the connection is open. */
  socket(): WaSocket | null {
    return this.current.phase === 'open' ? this.sock : null;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.timer?.cancel();
    const sock = this.sock;
    this.release();
    await sock?.end(undefined).catch(() => undefined);
    this.setPhase('stopped');
  }

  private setPhase(phase: ConnectionPhase, extra: Partial<ConnectionState> = {}): void {
    this.current = { ...this.current, ...extra, phase, since: this.deps.now().toISOString() };
  }

  private release(): void {
    this.detach?.();
    this.detach = null;
    this.sock = null;
  }

  private open(): void {
    if (this.stopping || !this.auth) return;
    const auth = this.auth;
    this.setPhase(this.current.phase === 'reconnecting' ? 'reconnecting' : 'connecting');
    this.pairingRequested = false;
    const sock = this.deps.createSocket({ auth: auth.state, getMessage: this.deps.getMessage, log: this.deps.log });
    this.sock = sock;
    this.detach = sock.ev.process(async (events) => {
      if (events['creds.update']) await auth.saveCreds().catch((error: unknown) => this.deps.log.error({ err: error }, 'could not save WhatsApp creds'));
      if (events['connection.update']) await this.onUpdate(sock, events['connection.update']);
      const upsert = events['messages.upsert'];
      if (upsert && this.sock === sock) this.deps.onMessages(upsert);
    });
  }

  private async onUpdate(sock: WaSocket, update: BaileysEventMap['connection.update']): Promise<void> {
    if (this.sock !== sock) return;
    if (update.qr) {
      this.qr = update.qr;
      this.setPhase('pairing');
      this.deps.onQr?.(update.qr);
      this.requestPairingCode(sock);
    }
    if (update.connection === 'open') {
      this.qr = null;
      this.setPhase('open', { attempts: 0 });
      this.deps.log.info('WhatsApp connected');
    }
    if (update.connection === 'close') await this.onClose(statusOf(update.lastDisconnect?.error));
  }

  private requestPairingCode(sock: WaSocket): void {
    const number = this.deps.pairingNumber;
    if (!number || this.pairingRequested || this.auth?.state.creds.registered) return;
    this.pairingRequested = true;
    sock.requestPairingCode(pairingDigits(number)).then(
      (code) => {
        this.deps.log.warn({ pairingCode: code }, `WhatsApp pairing code for ${number}: enter it on the phone (Linked devices → Link with phone number)`);
        this.deps.onPairingCode?.(code);
      },
      (error: unknown) => this.deps.log.error({ err: error }, 'could not request a WhatsApp pairing code'),
    );
  }

  private async onClose(statusCode: number | undefined): Promise<void> {
    this.release();
    this.qr = null;
    if (this.stopping) return;
    const decision = decideReconnect(statusCode, this.current.attempts, this.deps.random);
    const lastDisconnect = { statusCode: statusCode ?? null, decision: decision.action, reason: decision.reason, at: this.deps.now().toISOString() };
    this.deps.log[decision.action === 'reconnect' || decision.action === 'restart' ? 'warn' : 'error']({ statusCode, decision }, `WhatsApp connection closed: ${decision.reason}`);
    switch (decision.action) {
      case 'restart':
        this.setPhase('connecting', { lastDisconnect });
        this.open();
        return;
      case 'reconnect':
        this.setPhase('reconnecting', { lastDisconnect, attempts: this.current.attempts + 1 });
        this.timer = this.deps.scheduler(() => this.open(), decision.delayMs);
        return;
      case 'logged-out': {
        this.setPhase('logged-out', { lastDisconnect, attempts: 0 });
        const cleared = await this.deps.store.clear();
        this.deps.onAlert({ kind: 'logged-out', message: `WhatsApp ${decision.reason}: the stored session (${cleared} rows) was cleared; pair the number again.` });
        // A fresh session: the next socket shows a QR (or asks for a pairing code) and waits.
        this.auth = await loadAuthState(this.deps.store, this.deps.log);
        this.open();
        return;
      }
      case 'stop':
        this.setPhase('stopped', { lastDisconnect });
        this.deps.onAlert({ kind: 'stopped', message: `WhatsApp stopped: ${decision.reason}. Not reconnecting; restart the channel process once resolved.` });
    }
  }
}
