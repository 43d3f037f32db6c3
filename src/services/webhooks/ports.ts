/** What webhook delivery needs from storage (store/webhooks.ts implements it). */
import type { WebhookComplaintRow, WebhookEventRow } from './payload.js';

export interface DeliveryWork {
  id: string;
  round: number;
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  /** `secret` null: the stored secret does not open (WEBHOOK_SECRETS_KEY missing or another); `secretError` says why. */
  subscription: { id: string; url: string; secret: string | null; secretError?: string; active: boolean };
  event: WebhookEventRow;
  complaint: WebhookComplaintRow;
}

export interface AttemptRecord {
  statusCode: number | null;
  error: string | null;
  at: Date;
  /** DELIVERED, FAILED (no retry left, or the receiver is gone), or PENDING with the next try's time. */
  outcome: { status: 'DELIVERED' } | { status: 'FAILED'; deactivate: boolean } | { status: 'PENDING'; nextAttemptAt: Date };
}

export interface WebhookDeliveryStore {
  findDeliveryWork(deliveryId: string): Promise<DeliveryWork | null>;
  saveAttempt(deliveryId: string, attempt: AttemptRecord): Promise<void>;
}

/** Puts the oldest pending delivery of each (or one) active subscription on the queue. */
export type DispatchHeads = (subscriptionId?: string) => Promise<number>;
