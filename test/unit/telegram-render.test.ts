import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CALLBACK_DATA_MAX_BYTES, MAX_MESSAGE_CHARS } from '../../src/channels/telegram/limits.js';
import { AlbumCollector, createDownloader } from '../../src/channels/telegram/media.js';
import { codeIn } from '../../src/channels/telegram/outbox.js';
import { renderMessage, splitText, toHtml } from '../../src/channels/telegram/render.js';

describe('OutboundMessage → sendMessage', () => {
  it('choices become inline buttons whose callback_data is the choice id, two short ones per row', () => {
    const [part] = renderMessage({ text: 'Jenis?', choices: [{ id: 'type.a', label: 'A' }, { id: 'type.b', label: 'B' }, { id: 'type.c', label: 'Label yang cukup panjang sekali' }] });
    expect(part?.text).toBe('Jenis?');
    expect(part?.markup).toEqual({
      inline_keyboard: [
        [{ text: 'A', callback_data: 'type.a' }, { text: 'B', callback_data: 'type.b' }],
        [{ text: 'Label yang cukup panjang sekali', callback_data: 'type.c' }],
      ],
    });
  });

  it('a choice id over 64 bytes falls back to numbered text without buttons', () => {
    const long = `category.${'x'.repeat(CALLBACK_DATA_MAX_BYTES)}`;
    const [part] = renderMessage({ text: 'Kategori?', choices: [{ id: 'category.a', label: 'Air' }, { id: long, label: 'Jalan' }] });
    expect(part?.markup).toBeUndefined();
    expect(part?.text).toBe('Kategori?\n\n1. Air\n2. Jalan');
  });

  it('a location question offers the request_location reply keyboard', () => {
    const [part] = renderMessage({ text: 'Di mana?', input: 'location' });
    expect(part?.markup).toMatchObject({ keyboard: [[{ text: '📍 Kirim lokasi', request_location: true }]], one_time_keyboard: true });
  });

  it('escapes HTML and renders *bold*; splits long texts and keeps the keyboard on the last part', () => {
    expect(toHtml('Kode *ADU-1* <script> & co')).toBe('Kode <b>ADU-1</b> &lt;script&gt; &amp; co');
    const long = Array.from({ length: 400 }, (_, i) => `baris ${i} ${'x'.repeat(20)}`).join('\n');
    const parts = renderMessage({ text: long, choices: [{ id: 's.ok', label: 'OK' }] });
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.text.length <= MAX_MESSAGE_CHARS)).toBe(true);
    expect(parts.slice(0, -1).every((p) => p.markup === undefined)).toBe(true);
    expect(parts.at(-1)?.markup).toBeDefined();
    expect(splitText('y'.repeat(25), 10)).toEqual(['y'.repeat(10), 'y'.repeat(10), 'y'.repeat(5)]);
  });

  it('a replyTo platform id quotes the message', () => {
    expect(renderMessage({ text: 'ok', replyTo: '700000001:42' })[0]?.replyToMessageId).toBe(42);
  });
});

describe('album collection', () => {
  it('collects items per key until the wait passes without a new one, then flushes them once', async () => {
    const timers: { run: () => void; cancelled: boolean }[] = [];
    const schedule = (run: () => void) => {
      const t = { run, cancelled: false };
      timers.push(t);
      return { cancel: () => void (t.cancelled = true) };
    };
    const flushed: [string, number[]][] = [];
    const albums = new AlbumCollector<number>(schedule, 800, (key, items) => Promise.resolve(void flushed.push([key, items])));
    albums.add('chat:g1', 1);
    albums.add('chat:g1', 2);
    albums.add('chat:g2', 3);
    expect(timers.filter((t) => !t.cancelled)).toHaveLength(2);
    for (const t of timers.filter((t) => !t.cancelled)) t.run();
    await albums.idle();
    expect(flushed).toEqual([['chat:g1', [1, 2]], ['chat:g2', [3]]]);
    albums.add('chat:g3', 4);
    await albums.drain();
    expect(flushed.at(-1)).toEqual(['chat:g3', [4]]);
  });
});

describe('file downloads', () => {
  const file = { fileId: 'F1', fileUniqueId: 'U1', kind: 'photo' as const, declaredMime: 'image/jpeg' };
  const getFile = (file_path: string, file_size?: number) => ({ getFile: () => Promise.resolve({ file_path, ...(file_size ? { file_size } : {}) }) });

  it('downloads from <apiRoot>/file/bot<token>/<path>, refusing what is over the limit before fetching', async () => {
    const urls: string[] = [];
    const fetchFn: typeof fetch = (input) => {
      urls.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      return Promise.resolve(new Response(new Uint8Array([1, 2, 3])));
    };
    const download = createDownloader({ api: getFile('photos/file_1.jpg'), fetch: fetchFn, token: '1:T', apiRoot: 'https://api.telegram.org', maxBytes: 10 });
    expect(await download(file)).toEqual({ ok: true, data: Buffer.from([1, 2, 3]) });
    expect(urls).toEqual(['https://api.telegram.org/file/bot1:T/photos/file_1.jpg']);
    expect(await download({ ...file, sizeBytes: 11 })).toMatchObject({ ok: false, reason: 'too-big' });
    const big = createDownloader({ api: getFile('photos/file_2.jpg', 50), fetch: fetchFn, token: '1:T', apiRoot: 'https://api.telegram.org', maxBytes: 10 });
    expect(await big(file)).toMatchObject({ ok: false, reason: 'too-big' });
    expect(urls).toHaveLength(1);
  });

  it('reads an absolute path from a self-hosted --local Bot API server from disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aduan-tg-'));
    const path = join(dir, 'photo.jpg');
    await writeFile(path, Buffer.from([9, 9]));
    const noFetch: typeof fetch = () => Promise.reject(new Error('must not download'));
    const download = createDownloader({ api: getFile(path), fetch: noFetch, token: '1:T', apiRoot: 'http://127.0.0.1:8081', maxBytes: 10, localFiles: true });
    expect(await download(file)).toEqual({ ok: true, data: Buffer.from([9, 9]) });
  });
});

describe('the complaint a sent message is about', () => {
  it('is the first code with the deployment prefix, not a word pair that happens to parse as one', () => {
    const text = 'Tanggapan Dinas Pekerjaan Umum Penataan Ruang untuk laporan ADU-HC9J-NB11:\n\nSudah ditambal.';
    expect(codeIn(text, 'ADU')).toBe('ADU-HC9J-NB11');
    expect(codeIn('Selamat datang', 'ADU')).toBeNull();
  });
});
