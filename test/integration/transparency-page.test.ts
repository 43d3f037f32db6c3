/**
 * The public transparency page in Debian's Chromium (playwright-core), no login: it draws the
 * fixture's figures as cards, bars and an SVG chart, loads nothing from outside the service, and
 * changes period from its form. Also /metrics as Prometheus scrapes it.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../helpers/app.js';
import { loadFixture, startFiguresApp } from '../helpers/figures-fixture.js';

describe('the transparency page in a browser', () => {
  let app: Awaited<ReturnType<typeof startFiguresApp>>;
  let browser: Browser;
  let page: Page;
  let base: string;
  const problems: string[] = [];
  const requested: string[] = [];

  beforeAll(async () => {
    app = await startFiguresApp(testConfig(), () => new Date('2027-03-02T03:00:00Z'), {});
    // Its own copy a year later (TRN-…, February 2027): the figures test's copy must stay untouched.
    await loadFixture(app.db, { prefix: 'TRN', years: 1 });
    base = await app.http!.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
    page.on('request', (request) => requested.push(request.url()));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
  });

  it('shows the period figures as cards and charts, in Bahasa Indonesia, from this server only', async () => {
    await page.goto(`${base}/transparansi?from=2027-02-02&to=2027-02-27`);
    await expect.poll(() => page.getByTestId('status').textContent()).toContain('Periode 2027-02-02 s.d. 2027-02-27 · 7 laporan');
    expect(await page.getByTestId('card-received').locator('.value').textContent()).toBe('7');
    expect(await page.getByTestId('card-done').locator('.value').textContent()).toBe('2');
    expect(await page.getByTestId('card-response').locator('.value').textContent()).toBe('75%');
    expect(await page.getByTestId('card-rating').locator('.value').textContent()).toBe('3,5');
    expect(await page.getByTestId('funnel-bar').count()).toBe(5);
    // The funnel's "Selesai" bar is 2/7 of the "Diterima" bar.
    const widths = await page.getByTestId('funnel-bar').locator('.fill').evaluateAll((bars) => bars.map((b) => (b as unknown as { clientWidth: number }).clientWidth));
    expect(widths[4]! / widths[0]!).toBeCloseTo(2 / 7, 2);
    expect(await page.getByTestId('agency-bar').count()).toBe(3);
    expect(await page.getByTestId('agency-bar').first().textContent()).toMatch(/selesai/);
    expect(await page.locator('[data-testid="durations"] rect').count()).toBe(3);
    expect(await page.getByTestId('region-bar').filter({ hasText: 'Lowokwaru' }).textContent()).toMatch(/4 \/ 2 selesai/); // A B E F received, A B done
    expect(await page.locator('html').getAttribute('lang')).toBe('id');
    const body = (await page.textContent('body')) ?? '';
    // The list names complaints that are not rahasia (B is), never a reporter or a kronologi.
    expect(body).not.toMatch(/TRN-B|081234567890|3573051234567890|Budi/);
    expect(requested.every((url) => url.startsWith(base))).toBe(true);
    expect(problems).toEqual([]);
  });

  it('lists the complaints that are not rahasia, filters them by status and pages with "more"', async () => {
    await expect.poll(() => page.getByTestId('list-item').count()).toBe(6); // A C D E F H
    expect(await page.getByTestId('list-section').isVisible()).toBe(true);
    expect(await page.getByTestId('list-count').textContent()).toBe('Menampilkan 6 dari 6 laporan');
    const first = page.getByTestId('list-item').first();
    expect(await first.locator('.title').textContent()).toBe('Jalan rusak TRN-F');
    expect(await first.locator('.status').textContent()).toBe('Ditanggapi pelapor');
    expect(await first.locator('.meta').textContent()).toMatch(/^TRN-F · .+ · Dinas Perhubungan Kota Malang · Lowokwaru · 9 Feb 2027$/);
    expect(await page.getByTestId('list-more').isVisible()).toBe(false);
    await page.getByTestId('list-state').selectOption('closed');
    await expect.poll(() => page.getByTestId('list-item').locator('.title').allTextContents()).toEqual(['Jalan rusak TRN-E', 'Jalan rusak TRN-A']);
    await page.getByTestId('list-state').selectOption('');
    await expect.poll(() => page.getByTestId('list-item').count()).toBe(6);
    expect(problems).toEqual([]);
  });

  it('changes the period from its form', async () => {
    await page.getByTestId('from').fill('2027-02-09');
    await page.getByTestId('to').fill('2027-02-13');
    await page.getByRole('button', { name: 'Tampilkan' }).click();
    // F (9 Feb) and B (13 Feb)
    await expect.poll(() => page.getByTestId('status').textContent()).toContain('· 2 laporan');
    expect(problems).toEqual([]);
  });

  it('serves Prometheus metrics: inbound per channel, queue depths, breaches, channel health', async () => {
    await app.handle({ channel: 'WEBCHAT', chatId: 'metrics-chat', senderId: 'metrics-chat', platformMessageId: 'm1', content: { kind: 'text', text: 'halo' }, receivedAt: new Date() });
    app.metrics.registerChannelHealth('WHATSAPP', () => 0);
    const res = await app.http!.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/^aduan_inbound_messages_total\{channel="WEBCHAT"\} 1$/m);
    expect(res.body).toMatch(/^aduan_queue_jobs\{queue="intake",state="waiting"\} \d+$/m);
    expect(res.body).toMatch(/^aduan_queue_jobs\{queue="webhooks",state="waiting"\} \d+$/m);
    expect(res.body).toMatch(/^aduan_deadline_breaches_total (\d+)$/m);
    expect(Number(/^aduan_deadline_breaches_total (\d+)$/m.exec(res.body)?.[1])).toBeGreaterThanOrEqual(3); // the fixture's three
    expect(res.body).toMatch(/^aduan_channel_up\{channel="WHATSAPP"\} 0$/m);
  });
});
