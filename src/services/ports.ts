/**
 * What the use cases need from the outside world. `store/` implements these with PostgreSQL and
 * Redis, `channels/` the sender; services never import a client library.
 */
import type { Channel, ComplaintStatus, ComplaintType, EventType, Language, OutboundMessage, SubmittedForm } from '../domain/index.js';
import type { RouteDecision, RoutingRuleView } from '../domain/index.js';
import type { Catalog, SessionState } from '../engine/index.js';

export interface ChatRef {
  channel: Channel;
  chatId: string;
}

export interface StoredSession {
  state: SessionState;
  version: number;
  /** The platform id of the message that made this version (null for one the bot started). */
  lastMessageId: string | null;
}

export interface SessionSave {
  /** The version read, or null for a chat without a session. */
  expectedVersion: number | null;
  expiresAt: Date;
  /** The inbound message this step answers. */
  messageId?: string;
  /** A confirmed form: written in the same transaction, so the code the citizen sees is always backed by a row. */
  submission?: SubmittedForm;
}

export interface SessionStore {
  /**
   * null when the chat has no session or its stored state no longer parses. A store may answer from
   * its copy of the session this process saved last; `fresh` reads the stored one.
   */
  findSession(chat: ChatRef, options?: { fresh?: boolean }): Promise<StoredSession | null>;
  /** Saves the state if nobody saved since `save.expectedVersion`. */
  saveSession(chat: ChatRef, state: SessionState, save: SessionSave): Promise<'saved' | 'conflict'>;
  /** Sessions past their expiresAt: forms left idle, and finished conversations past their keep time. */
  findExpiredSessions(now: Date, limit: number): Promise<(StoredSession & { chat: ChatRef })[]>;
  /** Deletes the session if nobody saved it since `version`. */
  deleteSession(chat: ChatRef, version: number): Promise<boolean>;
  /**
   * What a message needs to begin: the chat's session as findSession gives it, and when there is
   * none, the language its sender chose before (a new conversation greets them in it), in one read.
   */
  openSession(chat: ChatRef, senderId: string): Promise<{ session: StoredSession | null; preferredLanguage: Language | null }>;
  savePreferredLanguage(chat: ChatRef, senderId: string, language: Language): Promise<void>;
}

/**
 * A short exclusive hold on one chat across processes, with the inbound de-duplication marks:
 * `enter` takes the hold and says whether this message was handled before; `markHandled` records
 * that it has been (at once); `leave` lets go, and with `handled` records it in the same round trip.
 */
export interface ChatGate {
  /** null when the chat stayed busy for `waitMs`; a null message id takes the hold only. */
  enter(chat: ChatRef, platformMessageId: string | null, waitMs: number): Promise<GateEntry | null>;
}

export interface GateEntry {
  seen: boolean;
  markHandled(): Promise<void>;
  leave(options?: { handled?: boolean }): Promise<void>;
}

export interface InboundDedupe {
  seen(chat: ChatRef, platformMessageId: string): Promise<boolean>;
  remember(chat: ChatRef, platformMessageId: string): Promise<void>;
}

export interface RateLimiter {
  /** Counts one hit; `allowed` false when the key used up `limit` in the window. */
  hit(key: string, limit: number, windowMs: number): Promise<{ allowed: boolean; retryAfterMs: number }>;
}

/**
 * Delivers bot messages to a chat on its channel. Throws {@link SendError} on failure.
 * `options.key` names the delivery (a notice's event, say): channels that queue their sends
 * (Telegram) deliver a key at most once, so a retried caller never sends twice.
 */
export interface MessageSender {
  send(chat: ChatRef, messages: readonly OutboundMessage[], options?: SendOptions): Promise<void>;
}

export interface SendOptions {
  /** Idempotency key: letters, digits, '-' and '_' (other characters are replaced). */
  key?: string;
}

export class SendError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
  }
}

export interface IntakeQueue {
  /** A submission confirmed a moment ago: no job can exist for its code yet. */
  enqueueIntake(trackingCode: string): Promise<void>;
  /** A submission found pending later: its job may be queued already, or have failed for good (retried). */
  requeueIntake(trackingCode: string): Promise<void>;
}

export interface NotificationQueue {
  enqueueNotification(job: { complaintId: string; eventId: string }): Promise<void>;
  /**
   * A notice found unsent later: its job may be queued still (left alone), or have used up its
   * retries (run again, from the first attempt); one stopped for good (a chat that cannot be
   * reached) stays so.
   */
  requeueNotification(job: { complaintId: string; eventId: string }): Promise<void>;
}

export interface CatalogSource {
  catalog(): Catalog;
}

export interface LookupEvent {
  type: EventType;
  toStatus: ComplaintStatus | null;
  agencyName: string | null;
  createdAt: Date;
}

export interface ComplaintForLookup {
  trackingCode: string;
  title: string;
  confidential: boolean;
  anonymous: boolean;
  status: ComplaintStatus;
  agencyName: string | null;
  submittedAt: Date;
  updatedAt: Date;
  reporterIdentities: ChatRef[];
  events: LookupEvent[];
}

export interface ComplaintReader {
  findForLookup(trackingCode: string): Promise<ComplaintForLookup | null>;
  isSubmissionPending(trackingCode: string): Promise<boolean>;
}

export interface PendingSubmission {
  trackingCode: string;
  payload: unknown;
}

export interface StoredComplaint {
  complaintId: string;
  /** The event the citizen must hear about (forwarded, or received for verification). */
  noticeEventId: string;
  created: boolean;
}

export interface NewComplaint {
  form: SubmittedForm;
  type: ComplaintType;
  route: RouteDecision;
}

export interface IntakeRouting {
  rules: RoutingRuleView[];
  coordinators: { agencyId: string; regionCode: string }[];
  parentOf: Map<string, string | null>;
  /** Agencies that take complaints now: a citizen's "I know the agency" answer counts only for these. */
  activeAgencyIds: Set<string>;
}

/** A confirmed submission not yet stored, by its code and time (also where a walk through them stands). */
export interface PendingCode {
  trackingCode: string;
  createdAt: Date;
}

export interface IntakeStore {
  /** The confirmed submission and, when a worker stored it already, its complaint: one read. */
  findIntake(trackingCode: string): Promise<{ submission: PendingSubmission | null; stored: StoredComplaint | null }>;
  recordSubmissionError(trackingCode: string, message: string): Promise<void>;
  /** May be cached; `fresh` reads the database (a category or agency added a moment ago). */
  findRoutingRules(fresh?: boolean): Promise<IntakeRouting>;
  /** Stores the complaint, its events and attachments once; a second call returns the first result. */
  saveComplaint(complaint: NewComplaint, now: Date): Promise<StoredComplaint>;
  /** Events that promised the citizen a notice (`data.notify`) but have no sent message yet, in id order after `afterEventId`. */
  findUnsentNotices(from: Date, to: Date, limit: number, afterEventId?: string | null): Promise<{ complaintId: string; eventId: string }[]>;
  /** Submissions confirmed but not yet stored, older than `olderThan`, oldest first, after `after`. */
  findPendingSubmissions(olderThan: Date, limit: number, after?: PendingCode | null): Promise<PendingCode[]>;
}

export interface NotificationTarget {
  chat: ChatRef;
  /** Reporters of complaints merged into this one: they hear its status news too. */
  alsoTell: ChatRef[];
  confidential: boolean;
  language: Language;
  trackingCode: string;
  complaintId: string;
  event: {
    id: string;
    type: LookupEvent['type'];
    toStatus: ComplaintStatus | null;
    agencyName: string | null;
    agencyKind: 'requested' | 'rule' | 'coordinator' | null;
    /** What happened (forward, hold, answer, …) and what the citizen must read (the answer, the question). */
    action: string | null;
    publicText: string | null;
    into: string | null;
    /** Files relayed with the agency's answer. */
    media?: { attachmentId: string; mimeType: string; name?: string }[];
  };
}

export interface NotificationStore {
  /** The notice of an event, and whether one was already recorded under `dedupeKey`; null when the event is gone. */
  findNotification(complaintId: string, eventId: string, dedupeKey: string): Promise<{ target: NotificationTarget; sent: boolean } | null>;
  /** Records the sent notice (and its MESSAGE_OUT event) once per `dedupeKey`; a second call records nothing. */
  recordSent(target: NotificationTarget, dedupeKey: string, text: string, now: Date): Promise<void>;
}

export interface Clock {
  now(): Date;
}
