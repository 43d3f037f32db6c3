import { describe, expect, it } from 'vitest';
import { Conversation, engineContext, realFlows } from '../helpers/engine.js';

describe('engine guards', () => {
  it('looks up a bare tracking code typed from idle, and only codes with our prefix', async () => {
    const chat = new Conversation(engineContext(await realFlows()));
    expect(chat.send('adu7kq2m9xd').effects).toEqual([{ type: 'lookup', code: 'ADU-7KQ2-M9XD' }]);
    expect(chat.send('terima kasih').effects).toEqual([]);
    expect(chat.lastText).toMatch(/^Selamat datang/);
  });

  it('does not read ordinary words as a code at the status step', async () => {
    const chat = new Conversation(engineContext(await realFlows()));
    chat.send({ kind: 'command', command: 'status' });
    expect(chat.send('terima kasih').effects).toEqual([]);
    expect(chat.lastText).toMatch(/^Kode tidak dikenali/);
    expect(chat.send('ADU-7KQ2-M9XD').effects).toEqual([{ type: 'lookup', code: 'ADU-7KQ2-M9XD' }]);
  });

  it('asks for an answer an edit left empty before sending, instead of filing an incomplete form', async () => {
    const chat = new Conversation(engineContext(await realFlows()));
    for (const input of ['lapor', '1', '1', '1', 'Jalan di depan pasar Dinoyo berlubang besar sejak dua minggu', 'Jalan berlubang di Dinoyo', 'kemarin', 'Jl. MT Haryono, Lowokwaru', 'lewati', 'tidak tahu', 'tidak', 'tidak']) chat.send(input);
    expect(chat.lastText).toMatch(/^Periksa laporan Anda/);
    chat.choose('summary.change');
    chat.choose('summary.edit_category');
    chat.send('2'); // a new category clears the sub-category and asks it
    expect(chat.lastText).toMatch(/^Pilih sub-kategori/);
    chat.send('kembali'); // back to the summary with the sub-category still empty
    const sent = chat.choose('summary.send');
    expect(sent.effects).toEqual([]);
    expect(chat.lastText).toMatch(/^Pilih sub-kategori/);
    chat.send('1');
    expect(chat.choose('summary.send').effects[0]).toMatchObject({ type: 'submit', form: { categoryId: 'cat-ktp' } });
  });
});
