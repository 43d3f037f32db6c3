/** Tells the citizen, in their language and on their channel, what happened to their report. */
import type { OutboundMessage } from '../domain/index.js';
import type { Texts } from '../engine/index.js';
import type { MessageSender, NotificationStore, NotificationTarget } from './ports.js';

export interface NotifyDeps {
  store: NotificationStore;
  sender: MessageSender;
  texts: Texts;
}

export type NotifyOutcome = 'sent' | 'already-sent' | 'gone';

export async function sendNotification(deps: NotifyDeps, job: { complaintId: string; eventId: string }): Promise<NotifyOutcome> {
  const target = await deps.store.findNotification(job.complaintId, job.eventId);
  if (!target) return 'gone';
  const dedupeKey = `notice-${job.eventId}`;
  if (await deps.store.wasSent(dedupeKey)) return 'already-sent';
  const message = composeNotice(deps.texts, target);
  await deps.sender.send(target.chat, [message]);
  await deps.store.recordSent(target, dedupeKey, message.text);
  return 'sent';
}

export function composeNotice(texts: Texts, target: NotificationTarget): OutboundMessage {
  const { language: lang, trackingCode: code, event } = target;
  const agency = event.agencyName ?? '-';
  if (event.type === 'FORWARDED' && event.agencyKind !== 'coordinator') return { text: texts.t('notify_forwarded', lang, { code, agency }) };
  if (event.agencyKind === 'coordinator') return { text: texts.t('notify_awaiting_verification', lang, { code, agency }) };
  const status = event.toStatus ? texts.t(`status_${event.toStatus}`, lang) : '-';
  return { text: texts.t('notify_status_changed', lang, { code, status }) };
}
