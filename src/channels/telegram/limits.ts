/** Telegram Bot API limits and this channel's own bounds, in one place. */

/** `callback_data` of an inline button: 1-64 bytes. Longer choice ids fall back to numbered text. */
export const CALLBACK_DATA_MAX_BYTES = 64;
/** Buttons per inline keyboard row; labels longer than SHORT_LABEL_CHARS get a row of their own. */
export const MAX_BUTTONS_PER_ROW = 2;
export const SHORT_LABEL_CHARS = 18;
/** Telegram allows 100 inline buttons; more than this many choices read better as numbered text. */
export const MAX_INLINE_BUTTONS = 40;
/** A message's text is 1-4096 characters after entity parsing; longer texts are split. */
export const MAX_MESSAGE_CHARS = 4096;
/** The cloud Bot API serves files up to 20 MB through getFile; a self-hosted server (TELEGRAM_API_ROOT) lifts it. */
export const CLOUD_DOWNLOAD_LIMIT_BYTES = 20 * 1024 * 1024;
/** Photos of one album arrive as separate updates sharing media_group_id: wait this long for the rest. */
export const ALBUM_WAIT_MS = 800;
/** Telegram's bulk limit is about 30 messages/s per bot; stay under it across all workers. */
export const GLOBAL_SENDS_PER_SECOND = 25;
/** How long an update_id is remembered to drop Telegram's re-deliveries. */
export const UPDATE_DEDUPE_SECONDS = 24 * 3600;
