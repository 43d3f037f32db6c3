import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idleState } from '../../src/engine/index.js';
import { PgSessionStore } from '../../src/store/sessions.js';
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

  it('never takes a copy of a session that was deleted and created again for the new one (same version, another row)', async () => {
    const chat = { channel: 'WEBCHAT' as const, chatId: `aba-${Date.now()}` };
    const first = new PgSessionStore(a.db, a.pool);
    const other = new PgSessionStore(b.db, b.pool);
    const at = new Date('2026-11-23T08:00:00Z');
    const state = (stepId: string | null) => ({ ...idleState('id', at), stepId, flowId: stepId ? 'complaint' : null });
    const keep = new Date(at.getTime() + 3600_000);
    expect(await first.saveSession(chat, state(null), { expectedVersion: null, expiresAt: keep, messageId: 'm1' })).toBe('saved');
    expect(await first.saveSession(chat, state(null), { expectedVersion: 1, expiresAt: keep, messageId: 'm2' })).toBe('saved');
    // Another process expires it and the citizen starts again there: versions 1 and 2 of a new row.
    expect(await other.deleteSession(chat, 2)).toBe(true);
    expect(await other.saveSession(chat, state(null), { expectedVersion: null, expiresAt: keep, messageId: 'm3' })).toBe('saved');
    expect(await other.saveSession(chat, state('type'), { expectedVersion: 1, expiresAt: keep, messageId: 'm4' })).toBe('saved');
    // The first process still holds its copy at version 2: the save is refused, the read is fresh.
    const copy = await first.findSession(chat);
    expect(copy?.version).toBe(2);
    expect(await first.saveSession(chat, state(null), { expectedVersion: 2, expiresAt: keep, messageId: 'm5' })).toBe('conflict');
    expect(await first.findSession(chat)).toMatchObject({ version: 2, lastMessageId: 'm4', state: { stepId: 'type' } });
    // A save that answers no message (the bot opening a flow) keeps the last message id.
    expect(await first.saveSession(chat, state('type'), { expectedVersion: 2, expiresAt: keep })).toBe('saved');
    expect(await new PgSessionStore(a.db, a.pool).findSession(chat)).toMatchObject({ version: 3, lastMessageId: 'm4' });
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
