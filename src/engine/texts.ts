/** Localised texts: lookup with placeholders, and the keys the engine and services rely on. */
import type { Language } from '../domain/index.js';
import type { LocalText } from './flow-schema.js';

export const REQUIRED_TEXT_KEYS = [
  'help', 'session_expired', 'cancelled', 'nothing_to_cancel', 'back_at_start', 'language_changed', 'busy',
  'yes', 'no', 'error_choice_unknown', 'error_choice_closed', 'error_text_empty', 'error_text_too_short',
  'error_text_too_long', 'error_expected_text', 'error_date_invalid', 'error_date_future', 'error_date_too_old',
  'error_location_invalid', 'error_media_expected', 'error_media_type', 'error_media_too_big',
  'error_media_too_many', 'error_yesno', 'error_code_invalid', 'media_received', 'media_done', 'media_skip',
  'title_use_suggestion', 'summary_send', 'summary_change', 'summary_cancel', 'summary_pick_field',
  'summary_empty_value', 'summary_attachments', 'summary_pin', 'submitted', 'lookup_not_found',
  'lookup_rate_limited', 'lookup_pending', 'lookup_header', 'lookup_title', 'lookup_status', 'lookup_agency',
  'lookup_no_agency', 'lookup_submitted_at', 'lookup_updated_at', 'lookup_history', 'lookup_confidential',
  'notify_forwarded', 'notify_awaiting_verification', 'notify_status_changed', 'notify_hold', 'notify_archived',
  'notify_in_progress', 'notify_answer', 'notify_closed', 'notify_auto_closed', 'notify_reopened', 'notify_confirmed',
  'notify_merged', 'notify_rerouted', 'feedback_thanks', 'feedback_reopened', 'reply_received', 'reply_not_saved', 'feedback_not_saved', 'reply_not_yours',
  'reply_closed', 'event_created',
  'event_forwarded', 'event_status_changed', 'status_SUBMITTED', 'status_ON_HOLD', 'status_FORWARDED',
  'status_IN_PROGRESS', 'status_FOLLOWED_UP', 'status_CITIZEN_REPLIED', 'status_DONE', 'status_ARCHIVED',
] as const;
export type TextKey = (typeof REQUIRED_TEXT_KEYS)[number];

export type TextParams = Record<string, string | number>;

/** Fills `{name}` placeholders; an unknown placeholder is left as written so it shows in tests. */
export function fill(template: string, params: TextParams = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

export function localise(text: LocalText, language: Language, params?: TextParams): string {
  return fill(text[language], params);
}

export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}

export class Texts {
  constructor(private readonly entries: ReadonlyMap<string, LocalText>) {}

  t(key: TextKey, language: Language, params?: TextParams): string {
    const entry = this.entries.get(key);
    // The loader guarantees every TextKey exists; this guards programming errors only.
    if (!entry) throw new Error(`missing text "${key}"`);
    return localise(entry, language, params);
  }
}
