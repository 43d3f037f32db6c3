/**
 * Tells the citizen, in their language and on their channel, about every change of their report;
 * reporters of complaints merged into it hear the same. After the agency's answer the citizen is
 * asked for a verdict (the feedback flow); after a hold, for the missing information (the reply flow).
 */
import type { OutboundMessage } from '../domain/index.js';
import type { Texts } from '../engine/index.js';
import type { ChatRef, MessageSender, NotificationStore, NotificationTarget } from './ports.js';

export interface NotifyDeps {
  store: NotificationStore;
  sender: MessageSender;
  texts: Texts;
  /** Opens the feedback or reply flow in the citizen's chat (not if they are filling in a form). */
  startFlow?: (chat: ChatRef, flowId: 'feedback' | 'reply', code: string) => Promise<void>;
  now: () => Date;
}

export type NotifyOutcome = 'sent' | 'already-sent' | 'gone';

export async function sendNotification(deps: NotifyDeps, job: { complaintId: string; eventId: string }): Promise<NotifyOutcome> {
  const dedupeKey = `notice-${job.eventId}`;
  const found = await deps.store.findNotification(job.complaintId, job.eventId, dedupeKey);
  if (!found) return 'gone';
  if (found.sent) return 'already-sent';
  const { target } = found;
  const message = composeNotice(deps.texts, target);
  // Keyed by the event and chat: a notify job retried after the send (before recordSent) does not send twice.
  await deps.sender.send(target.chat, [message], { key: noticeKey(job.eventId, target.chat) });
  await deps.store.recordSent(target, dedupeKey, message.text, deps.now());
  // Reporters of merged duplicates follow the status, never the survivor's content (answers,
  // questions to its reporter) and nothing at all of a rahasia one.
  if (!target.confidential && target.event.publicText === null) {
    for (const chat of target.alsoTell) await deps.sender.send(chat, [message], { key: noticeKey(job.eventId, chat) }).catch(() => undefined); // best effort: the notice itself is recorded
  }
  // The follow-up question is a convenience: if the chat is busy the citizen can still answer with
  // "nilai <kode>" or "tambah <kode>", so a failure here must not make the notice job retry.
  const action = target.event.action;
  const flow = action === 'answer' || action === 'resolve' ? 'feedback' : action === 'hold' ? 'reply' : null;
  if (deps.startFlow && flow) await deps.startFlow(target.chat, flow, target.trackingCode).catch(() => undefined);
  return 'sent';
}

/** Where the reporter's browser fetches a file of the agency's answer (the web chat adds `?chatId=`). */
export const attachmentPath = (attachmentId: string) => `/api/webchat/files/${attachmentId}`;

/** The delivery key of one notice to one chat: never contains ':' and is never purely numeric. */
export function noticeKey(eventId: string, chat: ChatRef): string {
  return `notice-${eventId}-${chat.channel.toLowerCase()}-${chat.chatId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

export function composeNotice(texts: Texts, target: NotificationTarget): OutboundMessage {
  const { language: lang, trackingCode: code, event } = target;
  const agency = event.agencyName ?? '-';
  const say = (key: Parameters<Texts['t']>[0], params: Record<string, string> = {}) => ({ text: texts.t(key, lang, { code, agency, ...params }) });
  switch (event.action) {
    case 'hold':
      return say('notify_hold', { question: event.publicText ?? '' });
    case 'archive':
      return say('notify_archived', { reason: event.publicText ?? '' });
    case 'start':
      return say('notify_in_progress');
    case 'answer':
    case 'resolve': {
      const media = (event.media ?? []).map((m) => ({ url: attachmentPath(m.attachmentId), mimeType: m.mimeType, attachmentId: m.attachmentId, ...(m.name ? { name: m.name } : {}) }));
      return { ...say('notify_answer', { answer: event.publicText ?? '' }), ...(media.length ? { media } : {}) };
    }
    case 'close':
      return say('notify_closed');
    case 'auto_close':
      return say('notify_auto_closed');
    case 'reopen':
      return say('notify_reopened');
    case 'confirm':
      return say('notify_confirmed');
    case 'merge':
      return say('notify_merged', { into: event.into ?? '' });
    case 'not_authority':
      return event.type === 'FORWARDED' ? say('notify_forwarded') : say('notify_rerouted');
  }
  if (event.agencyKind === 'coordinator') return say('notify_awaiting_verification');
  if (event.type === 'FORWARDED') return say('notify_forwarded');
  return say('notify_status_changed', { status: event.toStatus ? texts.t(`status_${event.toStatus}`, lang) : '-' });
}
