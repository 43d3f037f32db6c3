import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toWebhookPayload, type WebhookComplaintRow, type WebhookEventRow } from '../../src/services/webhooks/payload.js';
import { newWebhookSecret, signWebhook, verifyWebhook } from '../../src/services/webhooks/sign.js';

const now = new Date('2026-11-24T02:00:00Z');
const ts = Math.floor(now.getTime() / 1000);

describe('webhook signatures', () => {
  it('signs HMAC-SHA256 over "<timestamp>.<raw body>" as v1=<hex>', () => {
    const body = '{"id":"1"}';
    const expected = createHmac('sha256', 'whsec_test').update(`${ts}.${body}`).digest('hex');
    expect(signWebhook('whsec_test', ts, body)).toBe(`v1=${expected}`);
  });

  it('verifies with the secret, refuses another secret, a changed body, a stale or missing timestamp', () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({ id: '42', type: 'complaint.created' });
    const signature = signWebhook(secret, ts, body);
    const check = (over: Partial<Parameters<typeof verifyWebhook>[0]>) => verifyWebhook({ secret, rawBody: body, signature, timestamp: String(ts), now, ...over });
    expect(check({})).toEqual({ ok: true });
    expect(check({ secret: newWebhookSecret() })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ rawBody: body.replace('42', '43') })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ now: new Date(now.getTime() + 301_000) })).toEqual({ ok: false, reason: 'stale' });
    expect(check({ now: new Date(now.getTime() + 299_000) })).toEqual({ ok: true });
    expect(check({ timestamp: undefined })).toEqual({ ok: false, reason: 'missing' });
    expect(check({ signature: 'v1=short' })).toEqual({ ok: false, reason: 'mismatch' });
    // During a rotation a receiver may list both: either signature passes.
    expect(check({ signature: `v1=${'0'.repeat(64)}, ${signature}` })).toEqual({ ok: true });
  });

  it('makes a fresh secret each time', () => {
    expect(newWebhookSecret()).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(newWebhookSecret());
  });
});

describe('webhook payload', () => {
  const event: WebhookEventRow = { id: 7n, type: 'STATUS_CHANGED', fromStatus: 'FORWARDED', toStatus: 'IN_PROGRESS', actorType: 'OFFICER', agencyCode: null, action: 'start', createdAt: now };
  const complaint: WebhookComplaintRow = {
    id: '00000000-0000-4000-8000-000000000001', trackingCode: 'ADU-AAAA-BBBB', status: 'IN_PROGRESS', type: 'PENGADUAN', agencyCode: 'dinas-pu', categoryCode: 'jalan-rusak',
    regionCode: '35.73.05', submittedAt: now, confidential: false, title: 'Jalan rusak', description: 'Hubungi saya di 0812-3456-7890, NIK 3573050101900001',
  };

  it('gives the public view: no personal numbers, title and description only when not rahasia', () => {
    const open = toWebhookPayload(event, complaint);
    expect(open).toMatchObject({ id: '7', type: 'complaint.status_changed', occurredAt: now.toISOString(), complaint: { trackingCode: 'ADU-AAAA-BBBB', title: 'Jalan rusak' }, event: { fromStatus: 'FORWARDED', toStatus: 'IN_PROGRESS', action: 'start' } });
    expect(JSON.stringify(open)).not.toMatch(/3456|3573050101900001/);
    const rahasia = toWebhookPayload(event, { ...complaint, confidential: true });
    expect(rahasia.complaint).toMatchObject({ title: null, description: null, confidential: true });
    expect(JSON.stringify(rahasia)).not.toContain('Jalan rusak');
  });

  it('sends only a plain action word from the event data', () => {
    expect(toWebhookPayload({ ...event, action: 'Nama saya Budi' }, complaint).event.action).toBeNull();
  });
});
