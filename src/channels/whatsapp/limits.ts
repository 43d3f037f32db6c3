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
/** Outbound files: a caption longer than this goes as its own text before the file. */
export const MAX_CAPTION_CHARS = 1024;
/** Outbound files per kind (WhatsApp's own ceilings, kept conservative). A bigger photo, video or
 * voice goes as a document; a bigger document is not sent and the chat gets a note instead. */
export const MAX_IMAGE_BYTES = 16 * 1024 * 1024;
export const MAX_VIDEO_BYTES = 16 * 1024 * 1024;
export const MAX_AUDIO_BYTES = 16 * 1024 * 1024;
export const MAX_DOCUMENT_BYTES = 100 * 1024 * 1024;
