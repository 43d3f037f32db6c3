import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { redactText } from '../../src/domain/redact.js';
import { createLogger } from '../../src/wiring/logger.js';

describe('log redaction', () => {
  it('masks Indonesian phone numbers in their usual spellings, keeping the last 3 digits', () => {
    expect(redactText('hubungi 081234567890 ya')).toBe('hubungi [telp …890] ya');
    expect(redactText('+6281234567890')).toBe('[telp …890]');
    expect(redactText('62 812-3456-7891')).toBe('[telp …891]');
    expect(redactText('0812.3456.789')).toBe('[telp …789]');
  });

  it('masks a 16-digit NIK but not other numbers', () => {
    expect(redactText('NIK 3573051234567890.')).toBe('NIK [NIK].');
    expect(redactText('kode ADU-7K3P-9QXM, 12 lubang, tahun 2026, id 12345678901234567')).toBe('kode ADU-7K3P-9QXM, 12 lubang, tahun 2026, id 12345678901234567');
    expect(redactText('0341-551234')).toBe('0341-551234'); // a landline is not a mobile number
  });

  it('the logger masks messages, nested values and errors, and drops secrets by path', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    const log = createLogger('info', sink);
    log.info({ chat: { id: '6281234567890', note: 'NIK 3573051234567890' }, token: 'secret-token' }, 'pesan dari 081234567890');
    log.warn({ err: new Error('gagal kirim ke +6281234567890') }, 'send failed');
    type Line = { msg: string; chat: unknown; token?: string; err: { message: string; stack: string } };
    const [first, second] = lines.map((l) => JSON.parse(l) as Line) as [Line, Line];
    expect(first.msg).toBe('pesan dari [telp …890]');
    expect(first.chat).toEqual({ id: '[telp …890]', note: 'NIK [NIK]' });
    expect(first.token).toBe('[redacted]');
    expect(JSON.stringify(first)).not.toMatch(/secret-token|3573051234567890|081234567890/);
    expect(second.err.message).toBe('gagal kirim ke [telp …890]');
    expect(second.err.stack).not.toMatch(/6281234567890/);
  });
});
