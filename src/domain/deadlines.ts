/**
 * Which clocks run in which status (DOMAIN.md "Deadlines"): verification 3 working days after
 * submission, the agency's first answer 5 after forwarding, resolution by tier after forwarding,
 * automatic closure 10 after the agency's answer. A hold pauses the running clocks.
 */
import type { ComplaintStatus } from './complaint.js';

export const DEADLINE_KINDS = ['VERIFY', 'FIRST_ANSWER', 'RESOLUTION', 'AUTO_CLOSE'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];
export type ResolutionTier = 'SIMPLE' | 'DISPUTE' | 'FIELD_CHECK';

export interface DeadlinePolicy {
  verifyDays: number;
  firstAnswerDays: number;
  autoCloseDays: number;
  resolutionDays: Record<ResolutionTier, number>;
  /** Working days before a deadline when the responsible officers are reminded. */
  reminderDaysBefore: number;
}

export const DEFAULT_POLICY: DeadlinePolicy = {
  verifyDays: 3,
  firstAnswerDays: 5,
  autoCloseDays: 10,
  resolutionDays: { SIMPLE: 5, DISPUTE: 14, FIELD_CHECK: 60 },
  reminderDaysBefore: 1,
};

/** The clocks that must be running once a complaint is in `status` (others stop or pause). */
export function runningClocks(status: ComplaintStatus): DeadlineKind[] {
  switch (status) {
    case 'SUBMITTED':
      return ['VERIFY'];
    case 'FORWARDED':
      return ['FIRST_ANSWER', 'RESOLUTION'];
    case 'IN_PROGRESS':
    case 'CITIZEN_REPLIED':
      return ['FIRST_ANSWER', 'RESOLUTION'];
    case 'FOLLOWED_UP':
      return ['RESOLUTION', 'AUTO_CLOSE'];
    default:
      return [];
  }
}

export function clockDays(kind: DeadlineKind, tier: ResolutionTier, policy: DeadlinePolicy): number {
  switch (kind) {
    case 'VERIFY':
      return policy.verifyDays;
    case 'FIRST_ANSWER':
      return policy.firstAnswerDays;
    case 'RESOLUTION':
      return policy.resolutionDays[tier];
    case 'AUTO_CLOSE':
      return policy.autoCloseDays;
  }
}
