/** Status lookup by tracking code, with the privacy rules of DOMAIN.md and a per-chat rate limit. */
import { decideLookupVisibility, type Language, type OutboundMessage } from '../domain/index.js';
import type { Texts } from '../engine/index.js';
import type { ChatRef, ComplaintReader, LookupEvent, RateLimiter } from './ports.js';

export interface LookupDeps {
  complaints: ComplaintReader;
  limiter: RateLimiter;
  texts: Texts;
  timeZone: string;
  limit: number;
  windowMs: number;
}

export interface LookupRequest {
  code: string;
  chat: ChatRef;
  senderId: string;
  language: Language;
}

export async function lookUpComplaint(deps: LookupDeps, request: LookupRequest): Promise<OutboundMessage> {
  const { texts, timeZone } = deps;
  const lang = request.language;
  const gate = await deps.limiter.hit(`lookup:${request.chat.channel}:${request.chat.chatId}`, deps.limit, deps.windowMs);
  if (!gate.allowed) return { text: texts.t('lookup_rate_limited', lang, { minutes: Math.max(1, Math.ceil(gate.retryAfterMs / 60_000)) }) };

  const complaint = await deps.complaints.findForLookup(request.code);
  if (!complaint) {
    const pending = await deps.complaints.isSubmissionPending(request.code);
    return { text: texts.t(pending ? 'lookup_pending' : 'lookup_not_found', lang, { code: request.code }) };
  }
  const isReporter = complaint.reporterIdentities.some(
    (id) => id.channel === request.chat.channel && (id.chatId === request.senderId || id.chatId === request.chat.chatId),
  );
  const visible = decideLookupVisibility(complaint, { isReporter });
  const date = (d: Date) => formatDate(d, lang, timeZone);
  const lines = [texts.t('lookup_header', lang, { code: complaint.trackingCode })];
  if (visible.showTitle) lines.push(texts.t('lookup_title', lang, { title: complaint.title }));
  else lines.push(texts.t('lookup_confidential', lang));
  lines.push(texts.t('lookup_status', lang, { status: texts.t(`status_${complaint.status}`, lang) }));
  lines.push(complaint.agencyName ? texts.t('lookup_agency', lang, { agency: complaint.agencyName }) : texts.t('lookup_no_agency', lang));
  lines.push(texts.t('lookup_submitted_at', lang, { date: date(complaint.submittedAt) }));
  lines.push(texts.t('lookup_updated_at', lang, { date: date(complaint.updatedAt) }));
  if (visible.showHistory && complaint.events.length > 0) {
    lines.push('', texts.t('lookup_history', lang));
    for (const event of complaint.events) {
      const what = describeEvent(texts, lang, event);
      if (what) lines.push(`• ${date(event.createdAt)} — ${what}`);
    }
  }
  return { text: lines.join('\n') };
}

function describeEvent(texts: Texts, lang: Language, event: LookupEvent): string | null {
  switch (event.type) {
    case 'CREATED':
      return texts.t('event_created', lang);
    case 'FORWARDED':
      return texts.t('event_forwarded', lang, { agency: event.agencyName ?? '-' });
    case 'STATUS_CHANGED':
      return event.toStatus ? texts.t('event_status_changed', lang, { status: texts.t(`status_${event.toStatus}`, lang) }) : null;
    case 'MESSAGE_OUT':
      return event.toStatus === 'FOLLOWED_UP' ? texts.t('event_status_changed', lang, { status: texts.t('status_FOLLOWED_UP', lang) }) : null;
    default:
      return null;
  }
}

export function formatDate(date: Date, language: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(language === 'id' ? 'id-ID' : 'en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(date);
}
