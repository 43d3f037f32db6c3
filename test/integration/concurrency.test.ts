import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, testConfig, type TestApp } from '../helpers/app.js';
import { WebchatClient } from '../helpers/webchat-client.js';

describe('one writer per chat', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp({ role: 'web' });
    // A second process on the same database and Redis: only the Redis lock and the session version order them.
    b = await startTestApp({ role: 'web', config: { ...testConfig(), REDIS_PREFIX: a.prefix } });
  });
  afterAll(async () => {
    await b.close();
    await a.dispose();
  });

  it('handles two quick messages from one chat in order, in one process', async () => {
    const client = new WebchatClient(a.http!);
    await client.say({ command: 'report' });
    const [first, second] = await Promise.all([client.post({ text: '1' }), client.post({ text: '1' })]);
    expect([first.status, second.status]).toEqual([202, 202]);
    const texts = (await client.read()).map((m) => m.text);
    // The first "1" picks the type, the second picks the first category: both advanced, one after the other.
    expect(texts).toEqual(['Pilih kategori laporan:', 'Pilih sub-kategori:']);
  });

  it('takes turns between two processes without losing a step (each process keeps its last copy of the session; a stale one is refused and read again)', async () => {
    const client = new WebchatClient(a.http!);
    const other = new WebchatClient(b.http!, client.chatId);
    await client.say({ command: 'report' });
    await other.say({ text: '1' }); // b: type
    await client.say({ text: '1' }); // a, whose copy still waits for the type: refused, read again, so this picks the category
    await other.say({ text: '1' }); // b: sub-category
    const session = await a.db.conversationSession.findUnique({ where: { channel_chatId: { channel: 'WEBCHAT', chatId: client.chatId } } });
    const state = session?.state as { stepId: string; history: string[] };
    expect(state.history).toEqual(['type', 'category', 'subcategory']);
    expect(state.stepId).toBe('description');
    expect(session?.version).toBe(4);
  });

  it('never lets two processes advance the form from the same state', async () => {
    const client = new WebchatClient(a.http!);
    const other = new WebchatClient(b.http!, client.chatId);
    await client.say({ command: 'report' });
    const results = await Promise.all([client.post({ text: '1' }), other.post({ text: '1' }), client.post({ text: '1' })]);
    expect(results.every((r) => r.status === 202)).toBe(true);
    const session = await a.db.conversationSession.findUnique({ where: { channel_chatId: { channel: 'WEBCHAT', chatId: client.chatId } } });
    const state = session?.state as { stepId: string; history: string[] };
    expect(state.history).toEqual(['type', 'category', 'subcategory']);
    expect(state.stepId).toBe('description');
    expect(session?.version).toBe(4);
  });
});
