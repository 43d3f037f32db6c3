/**
 * What a webhook receiver learns about a complaint event. A receiver is another system, not the
 * reporter, so it gets the public view (domain/privacy.ts, as a code holder who is not the reporter):
 * status, type, agency, category, region and dates; the title and description only when the report
 * is not rahasia (as Open311 shows them), with phone numbers and NIK masked (domain/redact.ts).
 * Never the citizen, the chat, the actor's id, or the free text officers and citizens wrote in events.
 */
import { decideLookupVisibility } from '../../domain/privacy.js';
import { redactText } from '../../domain/redact.js';

export interface WebhookEventRow {
  id: bigint;
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  actorType: string;
  agencyCode: string | null;
  /** The event's data; only the `action` name (a fixed word such as "forward" or "close") is sent. */
  action: string | null;
  createdAt: Date;
}

export interface WebhookComplaintRow {
  id: string;
  trackingCode: string;
  status: string;
  type: string;
  agencyCode: string | null;
  categoryCode: string;
  regionCode: string | null;
  submittedAt: Date;
  confidential: boolean;
  title: string;
  description: string;
}

export interface WebhookPayload {
  id: string;
  type: string;
  occurredAt: string;
  /** The row's fields, dates as ISO strings; title and description null for a rahasia complaint. */
  complaint: Omit<WebhookComplaintRow, 'submittedAt' | 'title' | 'description'> & { submittedAt: string; title: string | null; description: string | null };
  event: { type: string; fromStatus: string | null; toStatus: string | null; actorType: string; agencyCode: string | null; action: string | null };
}

/** Event type names as receivers see them: complaint.status_changed, complaint.forwarded … */
export const toWebhookType = (eventType: string) => `complaint.${eventType.toLowerCase()}`;

const ACTION = /^[a-z_]{1,32}$/;

export function toWebhookPayload(event: WebhookEventRow, complaint: WebhookComplaintRow): WebhookPayload {
  const view = decideLookupVisibility(complaint, { isReporter: false });
  return {
    id: event.id.toString(),
    type: toWebhookType(event.type),
    occurredAt: event.createdAt.toISOString(),
    complaint: {
      id: complaint.id,
      trackingCode: complaint.trackingCode,
      status: complaint.status,
      type: complaint.type,
      agencyCode: complaint.agencyCode,
      categoryCode: complaint.categoryCode,
      regionCode: complaint.regionCode,
      submittedAt: complaint.submittedAt.toISOString(),
      confidential: complaint.confidential,
      // Not the reporter: the title only when not rahasia; the description follows the same rule (as Open311).
      title: view.showTitle ? redactText(complaint.title) : null,
      description: view.showTitle ? redactText(complaint.description) : null,
    },
    event: {
      type: event.type,
      fromStatus: event.fromStatus,
      toStatus: event.toStatus,
      actorType: event.actorType,
      agencyCode: event.agencyCode,
      action: event.action !== null && ACTION.test(event.action) ? event.action : null,
    },
  };
}
