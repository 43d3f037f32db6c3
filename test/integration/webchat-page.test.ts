/**
 * The web chat page in a real browser (Debian's chromium through playwright-core), on a phone-sized
 * screen: a citizen files a road complaint by clicking and typing, gets a tracking code, sees the
 * routing notice arrive by polling, and looks the report up.
 */
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

const CODE = /ADU-[0-9A-Z]{4}-[0-9A-Z]{4}/;
const STEP_MS = 10_000;

describe('the web chat page, as a citizen uses it', () => {
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  const problems: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    base = await app.http!.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText ?? ''}`));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
  });

  /** The newest bot message containing `text`, once it is on screen. */
  async function bot(text: string | RegExp, timeout = STEP_MS): Promise<Locator> {
    const message = page.getByTestId('bot-message').filter({ hasText: text }).last();
    await message.waitFor({ state: 'visible', timeout });
    return message;
  }

  /** Clicks the open choice button with this label (older questions' buttons are disabled). */
  async function choose(label: string | RegExp): Promise<void> {
    await page.locator('[data-testid="choice"]:enabled').filter({ hasText: label }).click({ timeout: STEP_MS });
  }

  /** Waits for the question, types the answer and sends it with the keyboard's Enter or the Kirim button. */
  async function say(text: string, question: string | RegExp, via: 'enter' | 'button' = 'enter'): Promise<void> {
    await bot(question);
    const input = page.getByTestId('composer-input');
    await input.fill(text);
    if (via === 'enter') await input.press('Enter');
    else await page.getByTestId('composer-send').click();
    await page.getByTestId('user-message').filter({ hasText: text }).last().getByText('✓ terkirim').waitFor({ timeout: STEP_MS });
  }

  it('files a complaint by clicking and typing, gets a code, the routing notice and the status', { timeout: 60_000 }, async () => {
    const started = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/webchat/messages'));
    await page.goto(base);
    expect((await started).postDataJSON()).toMatchObject({ command: 'start' });
    await bot('Selamat datang');
    await choose('Buat laporan');
    await choose('Pengaduan');
    await choose('Pekerjaan Umum');
    await choose('Jalan Rusak');
    await say('Jalan di depan Pasar Dinoyo berlubang besar sejak dua minggu, sudah ada pengendara jatuh.', 'Ceritakan kejadiannya');
    await bot('Tulis judul singkat');
    await choose('Pakai judul ini');
    await say('kemarin', 'Kapan kejadiannya?');
    await say('Jl. MT Haryono depan Pasar Dinoyo, Lowokwaru', 'Di mana lokasinya?');
    await say('lewati', 'Kirim foto');
    await choose('Tidak tahu');
    await bot('Rahasiakan identitas');
    await choose(/^Tidak$/);
    await bot('Rahasiakan isi laporan');
    await choose(/^Tidak$/);
    const summary = await bot('Periksa laporan Anda');
    expect(await summary.textContent()).toContain('Lowokwaru');
    await choose('Kirim');

    const thanks = await bot('Terima kasih');
    expect(await thanks.textContent()).toMatch(CODE);
    const code = (await thanks.locator('.code').first().textContent()) ?? '';
    expect(code).toMatch(new RegExp(`^${CODE.source}$`));

    // The intake worker routes the report and the notify worker posts to the chat; the page polls it in.
    const notice = await bot('diteruskan ke', 20_000);
    const chatId = (await context.storageState()).origins[0]?.localStorage.find((e) => e.name === 'aduan.chatId')?.value;
    expect(chatId).toMatch(/^[0-9a-f-]{36}$/);
    const complaint = await app.db.complaint.findUnique({ where: { trackingCode: code }, include: { agency: true, category: true } });
    expect(complaint).toMatchObject({ type: 'PENGADUAN', status: 'FORWARDED', channel: 'WEBCHAT', chatId, regionCode: '35.73.05', anonymous: false, confidential: false });
    expect(complaint?.category.code).toBe('pu-jalan-rusak');
    expect(complaint?.agency?.code).toBe('dpuprpkp-malang-bina-marga');
    expect(await notice.textContent()).toContain(`diteruskan ke ${complaint?.agency?.name}.`);
    expect(await notice.locator('.code').textContent()).toBe(code);

    await say(`cek ${code}`, 'diteruskan ke', 'button');
    const status = await bot('Riwayat:');
    const answer = (await status.textContent()) ?? '';
    expect(answer).toContain(code);
    expect(answer).toContain('Status: Terdisposisi ke instansi');
    expect(answer).toContain(`Instansi: ${complaint?.agency?.name}`);

    // Only the last bot message may offer open choices, and nothing went wrong in the page.
    expect(await page.locator('[data-testid="choice"]:enabled').count()).toBe(0);
    expect(await page.getByTestId('notice').count()).toBe(0);
    await page.screenshot({ path: '/tmp/aduan-e2e.png', fullPage: false });
    expect(problems).toEqual([]);
  });

  it("shows the answer that came with the 202 when the chat's history could not store it", { timeout: 60_000 }, async () => {
    await context.close();
    context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
    page = await context.newPage();
    await page.goto(base);
    await bot('Selamat datang');
    const chatId = (await context.storageState()).origins[0]?.localStorage.find((e) => e.name === 'aduan.chatId')?.value ?? '';
    // The chat's reply stream breaks (a key that is not a stream): the next answer cannot be stored.
    const stream = `${app.prefix}:webchat:${chatId}`;
    await app.redis.set(stream, 'not a stream');
    await choose('Buat laporan');
    await bot('Apa jenis laporan Anda?');
    expect(await page.getByTestId('user-message').last().getByText('✓ terkirim').count()).toBe(1);
    // Mended, the chat goes on from the question the citizen was shown.
    await app.redis.del(stream);
    await choose('Pengaduan');
    await bot('kategori');
  });
});
