import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

describe('Telegram configuration', () => {
  it('is off without a token; polling by default with the 20 MB file limit', () => {
    const result = parseConfig({});
    expect(result.ok && result.config).toMatchObject({ TELEGRAM_MODE: 'polling', TELEGRAM_MAX_FILE_BYTES: 20 * 1024 * 1024 });
    expect(result.ok && result.config.TELEGRAM_BOT_TOKEN).toBeUndefined();
    const on = parseConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'http://127.0.0.1:8081' });
    expect(on.ok && on.config).toMatchObject({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'http://127.0.0.1:8081' });
  });

  it('webhook mode needs a secret; a malformed token is refused without echoing it', () => {
    const webhook = parseConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: 'webhook' });
    expect(webhook.ok ? [] : webhook.problems).toEqual([expect.stringMatching(/^TELEGRAM_WEBHOOK_SECRET: expected a secret .* when TELEGRAM_MODE=webhook$/)]);
    expect(parseConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: 'a-long-enough-secret-123' }).ok).toBe(true);
    const bad = parseConfig({ TELEGRAM_BOT_TOKEN: 'not-a-token-but-a-secret-value' });
    expect(bad.ok ? [] : bad.problems).toEqual([expect.stringMatching(/^TELEGRAM_BOT_TOKEN: expected a bot token/)]);
    expect((bad.ok ? [] : bad.problems).join()).not.toContain('not-a-token-but-a-secret-value');
    const short = parseConfig({ TELEGRAM_BOT_TOKEN: '123456:ABCdef' });
    expect(short.ok ? [] : short.problems).toEqual([expect.stringContaining('(got "(hidden)")')]);
    expect(parseConfig({ TELEGRAM_MODE: 'push' }).ok).toBe(false);
  });
});
