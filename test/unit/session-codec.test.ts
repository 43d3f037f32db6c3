import { describe, expect, it } from 'vitest';
import { decodeSessionState, encodeSessionState, idleState, type SessionState } from '../../src/engine/index.js';

const updatedAt = new Date('2026-11-24T08:26:52.738Z');

/** A form at its summary with one answer of every kind, as the engine keeps it. */
const atSummary: SessionState = {
  flowId: 'complaint',
  stepId: 'summary',
  answers: {
    type: { kind: 'choice', optionId: 'pengaduan', value: 'PENGADUAN' },
    agency: { kind: 'choice', optionId: 'unknown', value: null },
    description: { kind: 'text', text: 'Lampu jalan mati sejak awal bulan — "gelap" di gang 3, warga takut keluar malam 🌙' },
    incident_date: { kind: 'date', date: '2026-11-23' },
    location: { kind: 'location', latitude: -7.965706916323398, longitude: 112.60954367892117, address: null, regionCode: '35.73.03' },
    typed_location: { kind: 'location', latitude: null, longitude: null, address: 'Jl. Soekarno Hatta No. 9', regionCode: null },
    attachments: {
      kind: 'media',
      items: [
        { attachmentId: 'a1b2', kind: 'photo', mimeType: 'image/jpeg', sizeBytes: 52_311, name: 'lampu.jpg' },
        { attachmentId: 'c3d4', kind: 'voice', mimeType: 'audio/ogg', sizeBytes: 9_000 },
      ],
    },
    no_files: { kind: 'media', items: [] },
    anonymous: { kind: 'yesno', value: false },
    confidential: { kind: 'yesno', value: true },
    code: { kind: 'code', code: 'ADU-7K3M-Q9XA' },
  },
  history: ['type', 'description', 'incident_date', 'location', 'attachments', 'anonymous', 'confidential'],
  editing: false,
  picking: false,
  language: 'id',
  lastActiveAt: updatedAt.toISOString(),
  complaintCode: null,
};

const row = (state: SessionState) => ({ language: state.language, updatedAt: new Date(state.lastActiveAt) });

describe('session state as stored', () => {
  it('comes back as the same state, every answer kind and flag included', () => {
    const variants: SessionState[] = [
      atSummary,
      { ...atSummary, editing: true, stepId: 'description' },
      { ...atSummary, picking: true },
      { ...atSummary, editing: true, picking: true, language: 'en', complaintCode: 'ADU-7K3M-Q9XA' },
      idleState('en', updatedAt),
    ];
    for (const state of variants) {
      expect(decodeSessionState(JSON.parse(encodeSessionState(state)), row(state))).toEqual(state);
    }
  });

  it('takes the language and the last activity from the row, not from the stored text', () => {
    const text = encodeSessionState(atSummary);
    expect(text).not.toContain(atSummary.lastActiveAt);
    const later = new Date('2026-11-25T01:02:03.004Z');
    expect(decodeSessionState(JSON.parse(text), { language: 'en', updatedAt: later })).toMatchObject({ language: 'en', lastActiveAt: later.toISOString() });
  });

  it('is much smaller than the object form', () => {
    // The object form was 1.2-1.3 KB for a typical form at its summary; most of it key names.
    expect(encodeSessionState(atSummary).length).toBeLessThan(0.6 * JSON.stringify(atSummary).length);
  });

  it('still reads the object form that rows saved before this format hold', () => {
    expect(decodeSessionState(JSON.parse(JSON.stringify(atSummary)), { language: 'en', updatedAt: new Date(0) })).toEqual(atSummary);
  });

  it('refuses what does not decode to a valid state, so the chat starts afresh', () => {
    const good = JSON.parse(encodeSessionState(atSummary)) as unknown[];
    const broken: unknown[] = [
      [3, ...good.slice(1)], // a format this version does not know
      [2, 'complaint', 'summary', 'answers', [], 0, null], // answers not an object
      [2, 'complaint', 'summary', { type: ['x', 'pengaduan'] }, [], 0, null], // an unknown answer tag
      [2, 'complaint', 'summary', { type: ['c', 7, null] }, [], 0, null], // a choice whose option is not a string
      [2, 'complaint', 'summary', { files: ['m', [['a1', 'hologram', 'x/y', 1]]] }, [], 0, null], // a media kind that does not exist
      [2, 'complaint', 'summary', {}, 'type', 0, null], // history not a list
      { flowId: 'complaint' }, // an object form missing its fields
      null,
    ];
    for (const stored of broken) expect(decodeSessionState(stored, row(atSummary)), JSON.stringify(stored)).toBeNull();
  });
});
