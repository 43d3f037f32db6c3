/**
 * The follow-up flows about a filed complaint: the feedback form after the agency's answer and the
 * reply form for more information, opened by the system (beginFlow) or by the citizen ("nilai KODE",
 * "tambah KODE"), in both languages.
 */
import { describe, expect, it } from 'vitest';
import type { InboundContent } from '../../src/domain/index.js';
import { beginFlow, type Effect, type StepResult } from '../../src/engine/index.js';
import type { Conversation } from '../helpers/engine.js';
import { choice, fillTo, newConversation } from './support/complaint.js';

/** Not the context's fresh tracking code: shows that the prompt names the complaint it is about. */
const CODE = 'ADU-AB12-CD34';
const ASK_ID = `Apakah masalah pada laporan ${CODE} sudah selesai?`;
const ASK_EN = `Is the problem in report ${CODE} solved?`;
const RATE_ID = 'Beri nilai untuk penanganan laporan ini, 1 (buruk) sampai 5 (sangat baik):';
const RATE_EN = 'Rate how this report was handled, from 1 (poor) to 5 (very good):';
const COMMENT_ID = 'Apa yang belum selesai? Tanggapan Anda akan diteruskan kembali ke instansi.';
const COMMENT_EN = 'What is still not solved? Your comment goes back to the agency.';
const BAD_CODE_ID = 'Kode tidak dikenali. Bentuknya seperti ADU-7KQ2-M9XD.';
const BAD_CODE_EN = 'That code is not valid. It looks like ADU-7KQ2-M9XD.';

/** Opens a flow through beginFlow and lets the conversation carry on from it. */
function begin(c: Conversation, flowId: 'feedback' | 'reply', code = CODE, at = c.now): StepResult | null {
  const result = beginFlow(c.ctx, c.state, flowId, code, at);
  if (result) {
    c.state = result.state;
    c.results.push(result);
    c.now = new Date(at.getTime() + 60_000);
  }
  return result;
}

const feedback = (resolved: boolean, rating: number, comment: string | null, code = CODE): Effect => ({ type: 'feedback', code, resolved, rating, comment });

describe('beginFlow: the feedback form', () => {
  it('from idle asks whether the problem is solved, with the code filled in', async () => {
    const c = await newConversation();
    const result = begin(c, 'feedback');
    expect(result).not.toBeNull();
    expect(result!.messages).toEqual([
      { text: ASK_ID, input: 'choice', choices: [{ id: 'resolved.yes', label: 'Ya, sudah selesai' }, { id: 'resolved.no', label: 'Belum' }] },
    ]);
    expect(result!.effects).toEqual([]);
    expect(result!.state).toMatchObject({ flowId: 'feedback', stepId: 'resolved', complaintCode: CODE, language: 'id', answers: {} });
  });

  it.each<[string, InboundContent | string, InboundContent | string]>([
    ['typed labels', 'Ya, sudah selesai', '5'],
    ['buttons', choice('resolved.yes'), choice('rating.r5')],
    ['numbers', '1', '5'],
    ['labels in another case', 'YA, SUDAH SELESAI', '5 ⭐⭐⭐⭐⭐'],
  ])('"solved" and 5 by %s → one feedback effect', async (_how, solved, rating) => {
    const c = await newConversation();
    begin(c, 'feedback');
    const asked = c.send(solved);
    expect(asked.effects).toEqual([]);
    expect(asked.messages[0]!.text).toBe(RATE_ID);
    expect(asked.messages[0]!.choices).toHaveLength(5);
    const done = c.send(rating);
    expect(done.effects).toEqual([feedback(true, 5, null)]);
    expect(done.state).toMatchObject({ flowId: null, stepId: null, complaintCode: null, answers: {} });
    expect(c.results.flatMap((r) => r.effects)).toHaveLength(1);
  });

  it('"Belum" asks for a comment after the rating, then yields resolved: false with it', async () => {
    const c = await newConversation();
    begin(c, 'feedback');
    c.send('Belum');
    expect(c.send('2').messages[0]!.text).toBe(COMMENT_ID);
    expect(c.state!.stepId).toBe('comment');
    const done = c.send('Lubangnya hanya ditimbun tanah, sekarang berlubang lagi.');
    expect(done.effects).toEqual([feedback(false, 2, 'Lubangnya hanya ditimbun tanah, sekarang berlubang lagi.')]);
    expect(done.state.flowId).toBeNull();
  });

  it('"Belum" with a good rating still asks for the comment', async () => {
    const c = await newConversation();
    begin(c, 'feedback');
    c.send(choice('resolved.no'));
    c.send(choice('rating.r4'));
    expect(c.send('Masih ada satu lubang').effects).toEqual([feedback(false, 4, 'Masih ada satu lubang')]);
  });

  it('a comment that is too short is asked again, nothing is sent', async () => {
    const c = await newConversation();
    begin(c, 'feedback');
    c.send('Belum');
    c.send('1');
    const refused = c.send('ok');
    expect(refused.effects).toEqual([]);
    expect(refused.state.stepId).toBe('comment');
  });

  it('a rating out of range is refused', async () => {
    const c = await newConversation();
    begin(c, 'feedback');
    c.send('Ya, sudah selesai');
    const refused = c.send('6');
    expect(refused.effects).toEqual([]);
    expect(refused.state.stepId).toBe('rating');
  });

  it('"batal" leaves the form without an effect', async () => {
    const c = await newConversation();
    begin(c, 'feedback');
    const cancelled = c.send('batal');
    expect(cancelled.effects).toEqual([]);
    expect(cancelled.state.flowId).toBe('menu');
  });
});

describe('beginFlow: when it may interrupt', () => {
  it('returns null while the citizen is filling in the complaint form', async () => {
    const c = await newConversation();
    fillTo(c, 'description');
    expect(beginFlow(c.ctx, c.state, 'feedback', CODE, c.now)).toBeNull();
    expect(beginFlow(c.ctx, c.state, 'reply', CODE, new Date(c.now.getTime() + 59 * 60_000))).toBeNull();
  });

  it('returns null while another follow-up form is open', async () => {
    const c = await newConversation();
    begin(c, 'reply');
    expect(beginFlow(c.ctx, c.state, 'feedback', 'ADU-ZZZZ-ZZZZ', c.now)).toBeNull();
  });

  it('opens once the complaint form has expired (idle longer than idleMinutes)', async () => {
    const c = await newConversation();
    fillTo(c, 'description');
    const later = new Date(Date.parse(c.state!.lastActiveAt) + 61 * 60_000);
    const result = begin(c, 'feedback', CODE, later);
    expect(result).not.toBeNull();
    // The dropped form is reported first (the sweep may not have told the citizen yet).
    expect(result!.messages.map((m) => m.text)).toEqual([
      'Sesi Anda sebelumnya berakhir karena tidak aktif lebih dari 60 menit; laporan yang belum dikirim tidak tersimpan. Silakan mulai lagi.',
      ASK_ID,
    ]);
    expect(result!.state).toMatchObject({ flowId: 'feedback', complaintCode: CODE, answers: {} });
  });

  it('opens over the menu (not a form)', async () => {
    const c = await newConversation();
    c.send('halo');
    expect(c.state!.flowId).toBe('menu');
    const result = begin(c, 'feedback');
    expect(result?.state.flowId).toBe('feedback');
    expect(result?.messages.map((m) => m.text)).toEqual([ASK_ID]);
  });

  it('opens from an idle session and keeps its language', async () => {
    const c = await newConversation();
    c.send('bahasa en');
    const result = begin(c, 'feedback');
    expect(result!.messages[0]!.text).toBe(ASK_EN);
    expect(result!.messages[0]!.choices).toEqual([
      { id: 'resolved.yes', label: 'Yes, it is solved' },
      { id: 'resolved.no', label: 'Not yet' },
    ]);
    expect(result!.state.language).toBe('en');
  });

  it('the reply form from idle asks for the message, then yields it', async () => {
    const c = await newConversation();
    const result = begin(c, 'reply');
    expect(result!.messages[0]).toMatchObject({ text: `Tulis pesan Anda untuk laporan ${CODE}:`, input: 'text' });
    expect(c.send('Lokasinya di depan gerbang kampus.').effects).toEqual([{ type: 'reply', code: CODE, text: 'Lokasinya di depan gerbang kampus.' }]);
    expect(c.state!.flowId).toBeNull();
  });
});

describe('"nilai KODE" and "tambah KODE" from the citizen', () => {
  it.each([['nilai ADU-AB12-CD34'], ['/nilai adu-ab12-cd34'], ['NILAI adu ab12 cd34'], ['beri nilai ADUAB12CD34'], ['rate ADU-AB12-CD34'], ['feedback ADU-AB12-CD34']])(
    '%j opens the feedback form for that code',
    async (text) => {
      const c = await newConversation();
      expect(c.send(text).messages.map((m) => m.text)).toEqual([ASK_ID]);
      expect(c.state).toMatchObject({ flowId: 'feedback', stepId: 'resolved', complaintCode: CODE });
      c.send('Ya, sudah selesai');
      expect(c.send('4').effects).toEqual([feedback(true, 4, null)]);
    },
  );

  it('works from the menu too', async () => {
    const c = await newConversation();
    c.send('menu');
    expect(c.send('nilai ADU-AB12-CD34').messages.map((m) => m.text)).toEqual([ASK_ID]);
  });

  it.each([['tambah ADU-AB12-CD34'], ['/tambah adu-ab12-cd34'], ['tambah info ADU-AB12-CD34'], ['balas ADU-AB12-CD34'], ['reply ADU-AB12-CD34']])(
    '%j opens the reply form, which yields a reply effect',
    async (text) => {
      const c = await newConversation();
      expect(c.send(text).messages.map((m) => m.text)).toEqual([`Tulis pesan Anda untuk laporan ${CODE}:`]);
      expect(c.state).toMatchObject({ flowId: 'reply', stepId: 'message', complaintCode: CODE });
      const done = c.send('Foto tambahan sudah saya kirim.');
      expect(done.effects).toEqual([{ type: 'reply', code: CODE, text: 'Foto tambahan sudah saya kirim.' }]);
      expect(done.state.flowId).toBeNull();
    },
  );

  it('a reply of one character is asked again', async () => {
    const c = await newConversation();
    c.send('tambah ADU-AB12-CD34');
    const refused = c.send('x');
    expect(refused.effects).toEqual([]);
    expect(refused.state.stepId).toBe('message');
  });

  it.each([['nilai'], ['nilai XYZ-AB12-CD34'], ['nilai ADU-AB12'], ['nilai besok saja'], ['tambah'], ['tambah LPR-AB12-CD34']])(
    '%j → "Kode tidak dikenali", back to the menu',
    async (text) => {
      const c = await newConversation();
      const result = c.send(text);
      expect(result.messages[0]!.text).toBe(BAD_CODE_ID);
      expect(result.effects).toEqual([]);
      expect(result.state.flowId).toBe('menu');
      expect(result.state.complaintCode).toBeNull();
    },
  );

  it('inside the complaint form "nilai KODE" is an answer, not a command', async () => {
    const c = await newConversation();
    fillTo(c, 'description');
    c.send('nilai ADU-AB12-CD34');
    expect(c.state!.flowId).toBe('complaint');
    expect(c.lastText).not.toContain(ASK_ID);
  });
});

describe('the same in English', () => {
  it('"nilai KODE" → English feedback form; "Not yet" asks for a comment', async () => {
    const c = await newConversation();
    c.send('bahasa en');
    expect(c.send('nilai ADU-AB12-CD34').messages.map((m) => m.text)).toEqual([ASK_EN]);
    expect(c.send('Not yet').messages[0]!.text).toBe(RATE_EN);
    expect(c.send('1').messages[0]!.text).toBe(COMMENT_EN);
    expect(c.send('The hole is back after the rain.').effects).toEqual([feedback(false, 1, 'The hole is back after the rain.')]);
  });

  it('"Yes, it is solved" and 5', async () => {
    const c = await newConversation();
    c.send('bahasa en');
    c.send('rate ADU-AB12-CD34');
    c.send('Yes, it is solved');
    expect(c.send('5').effects).toEqual([feedback(true, 5, null)]);
  });

  it('"tambah KODE" → English reply form', async () => {
    const c = await newConversation();
    c.send('bahasa en');
    expect(c.send('tambah ADU-AB12-CD34').messages.map((m) => m.text)).toEqual([`Write your message for report ${CODE}:`]);
    expect(c.send('More photos by email.').effects).toEqual([{ type: 'reply', code: CODE, text: 'More photos by email.' }]);
  });

  it.each([['nilai'], ['rate XYZ-AB12-CD34'], ['reply']])('%j → "That code is not valid"', async (text) => {
    const c = await newConversation();
    c.send('bahasa en');
    const result = c.send(text);
    expect(result.messages[0]!.text).toBe(BAD_CODE_EN);
    expect(result.state.flowId).toBe('menu');
  });

  it('beginFlow reply in English', async () => {
    const c = await newConversation();
    c.send('language en');
    expect(begin(c, 'reply')!.messages[0]!.text).toBe(`Write your message for report ${CODE}:`);
  });
});
