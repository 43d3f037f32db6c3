/** WhatsApp limits and this channel's own bounds, in one place. */

/** A text message can be ~65k characters; long texts are split well before that to stay readable. */
export const MAX_MESSAGE_CHARS = 4000;
/** Choices beyond this many are still numbered, but the prompt says "Balas nomor 1-N" instead of listing each. */
export const MAX_SPELLED_CHOICES = 3;
/** Reconnect backoff: first wait, cap, and jitter fraction. */
export const RECONNECT_BASE_MS = 2_000;
export const RECONNECT_MAX_MS = 5 * 60_000;
export const RECONNECT_JITTER = 0.2;
/** After this many failed reconnects in a row the channel stops and alerts instead of looping. */
export const MAX_RECONNECT_ATTEMPTS = 12;
