import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOfficerWithCode } from '../../src/services/onboarding.js';
import { eventually } from '../helpers/app.js';
import { fileWithButtons } from '../helpers/telegram-flows.js';
import { fixture, startTelegramApp, TelegramCitizen, type TelegramTestApp } from '../helpers/telegram.js';

describe('Telegram: officers with private commands, and the delivery queue', () => {
  let app: TelegramTestApp;
  beforeAll(async () => {
    app = await startTelegramApp();
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('an officer links with /daftar, hears of a new complaint and answers it with /balas; the citizen reads the answer in Telegram', async () => {
    // An agency no other test files into: /tugas (nearest deadline first, 20 at most) reads the run's
    // shared database, where Jalan Rusak's agency gathers more open complaints than that.
    const created = await createOfficerWithCode(app.cases.officers, { name: 'Budi Telegram', role: 'PEJABAT_PENGHUBUNG', agencyCode: 'satpolpp-malang' }, new Date(), 72);
    if ('error' in created) throw new Error(created.error);
    const officer = new TelegramCitizen(app);
    const linked = await officer.command(`/daftar ${created.code}`);
    expect(linked.map((m) => m.text)).toEqual([expect.stringMatching(/^Terhubung sebagai petugas /)]);

    const citizen = new TelegramCitizen(app);
    const { code } = await fileWithButtons(citizen, { category: 'Ketenteraman dan Ketertiban Umum', subcategory: 'Pedagang Kaki Lima' });
    const alert = await eventually(async () => (await officer.news()).find((m) => m.text.includes(`Laporan baru ${code}`)), 'the new-complaint alert in the officer chat');
    expect(alert.text).toContain(`lihat ${code}`);

    const tasks = await officer.command('/tugas');
    expect(tasks.at(-1)?.text).toContain(code);
    const answered = await officer.command(`/balas ${code} Jalan akan ditambal minggu ini.`);
    expect(answered.at(-1)?.text).toMatch(/^✅/);
    const answer = await eventually(async () => (await citizen.news()).find((m) => m.text.includes('Jalan akan ditambal minggu ini.')), 'the answer in the citizen chat');
    expect(answer.text).toContain(`laporan ${code}`);
  });

  it('a keyed send is queued once however often it is repeated', async () => {
    const citizen = new TelegramCitizen(app);
    const channel = app.telegram!.runtime.channel;
    await channel.send(citizen.chatId, [{ text: 'Pengingat satu kali' }], 'reminder:42');
    await channel.send(citizen.chatId, [{ text: 'Pengingat satu kali' }], 'reminder:42');
    expect((await citizen.news()).map((m) => m.text)).toEqual(['Pengingat satu kali']);
  });
});

describe('Telegram long polling in the app', () => {
  let app: TelegramTestApp;
  beforeAll(async () => {
    app = await startTelegramApp({ TELEGRAM_MODE: 'polling' });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('starts with the command menu, polls updates into the flows, and stops on close', async () => {
    expect(app.fake.calls.slice(0, 3).map((c) => c.method)).toEqual(['getMe', 'setMyCommands', 'deleteWebhook']);
    const citizen = new TelegramCitizen(app);
    app.fake.updates.push(fixture('text', citizen.chatId));
    const welcome = await eventually(async () => (await citizen.news()).find((m) => m.text.startsWith('Selamat datang')), 'the menu');
    expect(welcome.reply_markup?.inline_keyboard?.flat().length).toBeGreaterThan(0);
  });
});
