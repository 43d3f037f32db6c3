/** The web chat's delivery on a real Redis: a turn's replies in one script call, read back in order. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WebchatChannel } from '../../src/channels/webchat/outbox.js';
import { SendError } from '../../src/services/ports.js';
import { createRedis, deleteKeysWithPrefix, type Redis } from '../../src/store/redis.js';

describe('WebchatChannel', () => {
  const prefix = `aduantest-outbox-${randomBytes(4).toString('hex')}`;
  const now = new Date('2026-11-23T03:00:00Z');
  let redis: Redis;
  let webchat: WebchatChannel;
  beforeAll(async () => {
    redis = createRedis(inject('redisUrl'));
    webchat = new WebchatChannel(redis, prefix, 200, () => now);
    await new Promise((resolve) => redis.once('ready', resolve));
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(inject('redisUrl'), prefix);
    redis.disconnect();
  });

  it('appends a turn’s replies in order, with their choices, and keeps the chat 30 days', async () => {
    await webchat.send('c1', [{ text: 'Pilih jenis laporan:', choices: [{ id: 'type.pengaduan', label: 'Pengaduan' }], input: 'choice' }, { text: 'Ketik batal untuk berhenti.' }]);
    await webchat.send('c1', [{ text: 'Terima kasih.' }]);
    const { messages, cursor } = await webchat.read('c1', undefined);
    expect(messages.map((m) => m.text)).toEqual(['Pilih jenis laporan:', 'Ketik batal untuk berhenti.', 'Terima kasih.']);
    expect(messages[0]).toMatchObject({ choices: [{ id: 'type.pengaduan', label: 'Pengaduan' }], input: 'choice', time: now.toISOString() });
    expect(cursor).toBe(messages[2]!.id);
    expect(await webchat.read('c1', cursor!)).toEqual({ messages: [], cursor });
    const ttl = await redis.ttl(`${prefix}:webchat:c1`);
    expect(ttl).toBeGreaterThan(29 * 24 * 3600);
  });

  it('writes nothing for a turn without replies', async () => {
    await webchat.send('c2', []);
    expect(await redis.exists(`${prefix}:webchat:c2`)).toBe(0);
  });

  it('fails the send, retryable, when Redis refuses the append (nothing is half-written)', async () => {
    await redis.set(`${prefix}:webchat:c3`, 'not a stream');
    const sent = webchat.send('c3', [{ text: 'satu' }, { text: 'dua' }]);
    await expect(sent).rejects.toBeInstanceOf(SendError);
    await expect(sent).rejects.toMatchObject({ retryable: true });
    expect(await redis.get(`${prefix}:webchat:c3`)).toBe('not a stream');
  });

  it('loads its script again after the server lost it (SCRIPT FLUSH)', async () => {
    await webchat.send('c4', [{ text: 'sebelum' }]);
    await redis.script('FLUSH');
    await webchat.send('c4', [{ text: 'sesudah' }]);
    expect((await webchat.read('c4', undefined)).messages.map((m) => m.text)).toEqual(['sebelum', 'sesudah']);
  });
});
