/** Complaint vocabulary shared by every layer: report types, statuses, what a filed form holds. */

export const COMPLAINT_TYPES = ['PENGADUAN', 'ASPIRASI', 'PERMINTAAN_INFORMASI'] as const;
export type ComplaintType = (typeof COMPLAINT_TYPES)[number];

/**
 * The lifecycle, mapped to the SP4N-LAPOR! stages: SUBMITTED = belum terverifikasi, ON_HOLD = tunda,
 * FORWARDED = terdisposisi, IN_PROGRESS = diproses, FOLLOWED_UP = ditindaklanjuti,
 * CITIZEN_REPLIED = ditanggapi pelapor, DONE = selesai, ARCHIVED = arsip.
 */
export const COMPLAINT_STATUSES = [
  'SUBMITTED',
  'ON_HOLD',
  'FORWARDED',
  'IN_PROGRESS',
  'FOLLOWED_UP',
  'CITIZEN_REPLIED',
  'DONE',
  'ARCHIVED',
] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

export const LANGUAGES = ['id', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return value === 'id' || value === 'en';
}

/** What the append-only event log records (ComplaintEvent.type). */
export const EVENT_TYPES = [
  'CREATED', 'STATUS_CHANGED', 'FORWARDED', 'MESSAGE_IN', 'MESSAGE_OUT', 'NOTE', 'ATTACHMENT_ADDED', 'ASSIGNED',
  'COPY_ADDED', 'RATED', 'REMINDER_SENT', 'DEADLINE_BREACHED', 'ESCALATED', 'DUPLICATE_SUSPECTED', 'MERGED',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
