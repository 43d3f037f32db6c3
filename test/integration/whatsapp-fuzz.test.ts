/**
 * Fuzz: thousands of random and malformed WAMessage-like payloads through the mapper and the whole
 * receiver (inbound handler, PostgreSQL, Redis). Nothing may crash or reject unhandled, and what is
 * stored must stay consistent.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMessage } from '../../src/channels/whatsapp/index.js';
import { newPerson, startWhatsAppApp, WhatsAppPerson, type WhatsAppTestApp } from '../helpers/whatsapp.js';

/** A small seeded PRNG (mulberry32) so a failure can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const dir = join(import.meta.dirname, '..', 'fixtures', 'whatsapp');
const fixtures = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));
const ODD = [null, undefined, 0, -1, 1e308, NaN, '', ' ', '\u0000', 'x'.repeat(5000), [], {}, true, { low: -1, high: 99999999 }, '@lid', 'status@broadcast', '1@g.us', '12345678901234567890@s.whatsapp.net'];

function mutate(value: unknown, random: () => number, depth = 0): unknown {
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  if (random() < 0.08) return pick(ODD);
  if (Array.isArray(value)) return value.map((v) => mutate(v, random, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (random() < 0.05) continue;
      out[random() < 0.02 ? `${k}x` : k] = depth > 6 ? v : mutate(v, random, depth + 1);
    }
    if (random() < 0.05) out[pick(['imageMessage', 'protocolMessage', 'viewOnceMessage', 'ephemeralMessage', 'message', 'conversation'])] = pick(ODD);
    return out;
  }
  if (typeof value === 'string' && random() < 0.1) return value.slice(0, Math.floor(random() * value.length));
  return value;
}

function payloads(count: number, seed: number, people: { pn: string; lid: string }[]): unknown[] {
  const random = prng(seed);
  return Array.from({ length: count }, (_, i) => {
    const person = people[i % people.length]!;
    const base = fixtures[Math.floor(random() * fixtures.length)]!.replaceAll('6281100000001@s.whatsapp.net', person.pn).replaceAll('150000000000001@lid', person.lid).replaceAll('3EB0MSGID', `3EB0FZ${seed}X${i}`);
    return random() < 0.1 ? base.slice(0, Math.floor(random() * base.length)) : mutate(JSON.parse(base), random);
  });
}

describe('WhatsApp fuzz', () => {
  it('the mapper reads 5000 mutated payloads without throwing', () => {
    const people = Array.from({ length: 5 }, newPerson);
    for (const payload of payloads(5000, 7, people)) expect(() => readMessage(payload)).not.toThrow();
  });

  describe('through the whole receiver', () => {
    let app: WhatsAppTestApp;
    beforeAll(async () => {
      app = await startWhatsAppApp({ WHATSAPP_FLOOD_LIMIT: '1000' });
    });
    afterAll(async () => {
      await app?.dispose();
    });

    it('2000 mutated messages: no crash, no unhandled rejection, contacts and attachments consistent, the channel still works', async () => {
      const people = Array.from({ length: 20 }, newPerson);
      const batch = payloads(2000, 42, people);
      for (let i = 0; i < batch.length; i += 50) {
        app.fake.current().emit('messages.upsert', { type: 'notify', messages: batch.slice(i, i + 50) });
        await app.whatsapp!.runtime.idle();
      }
      await app.settle();
      const contacts = await app.db.whatsAppContact.findMany({ where: { OR: [{ pnJid: { in: people.map((p) => p.pn) } }, { lidJid: { in: people.map((p) => p.lid) } }] } });
      expect(contacts.length).toBeGreaterThan(0);
      expect(contacts.length).toBeLessThanOrEqual(people.length);
      for (const c of contacts) expect(c.chatId).toMatch(/^(\d+|lid-\d+)$/);
      // No media was downloadable in this run: nothing may have been stored.
      expect(await app.db.attachment.count({ where: { channel: 'WHATSAPP', chatId: { in: contacts.map((c) => c.chatId) } } })).toBe(0);
      const fresh = new WhatsAppPerson(app);
      expect((await fresh.say('menu')).at(-1)?.text).toContain('1. ');
    }, 120_000);
  });
});
