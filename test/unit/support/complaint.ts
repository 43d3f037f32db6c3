/** Shared scripts for the engine tests: sensible answers for every complaint step, and a driver. */
import { expect } from 'vitest';
import type { InboundContent, MediaRef } from '../../../src/domain/index.js';
import type { EngineContext, SessionState } from '../../../src/engine/index.js';
import { Conversation, engineContext, realFlows } from '../../helpers/engine.js';

export const DESCRIPTION =
  'Jalan di depan Pasar Dinoyo berlubang besar sejak tiga bulan. Sudah ada pengendara motor yang jatuh.';

export const photo = (attachmentId: string, overrides: Partial<MediaRef> = {}): MediaRef => ({
  attachmentId,
  kind: 'photo',
  mimeType: 'image/jpeg',
  sizeBytes: 200_000,
  ...overrides,
});
export const media = (...items: MediaRef[]): InboundContent => ({ kind: 'media', media: items });
export const choice = (choiceId: string): InboundContent => ({ kind: 'choice', choiceId });
export const pin = (latitude: number, longitude: number, address?: string): InboundContent => ({
  kind: 'location',
  latitude,
  longitude,
  ...(address === undefined ? {} : { address }),
});

export type Script = Record<string, InboundContent | string>;

/** One valid answer per step of conversations/complaint.yaml. */
export const DEFAULT_ANSWERS: Script = {
  type: choice('type.pengaduan'),
  category: choice('category.pu'),
  subcategory: choice('subcategory.pu-jalan-rusak'),
  description: DESCRIPTION,
  title: choice('title.suggested'),
  incident_date: 'kemarin',
  location: 'Jl. MT Haryono, Dinoyo, Kec. Lowokwaru',
  attachments: 'lewati',
  agency: choice('agency.unknown'),
  anonymous: 'tidak',
  confidential: 'tidak',
};

export async function newConversation(overrides: Partial<EngineContext> = {}, start?: Date): Promise<Conversation> {
  return new Conversation(engineContext(await realFlows(), overrides), start);
}

/** Starts a complaint if none is running and answers until the given step is asked. */
export function fillTo(c: Conversation, stepId: string, answers: Script = {}): void {
  const script = { ...DEFAULT_ANSWERS, ...answers };
  if (c.state?.flowId !== 'complaint') c.send('lapor');
  for (let turns = 0; c.state?.stepId !== stepId; turns++) {
    const at = c.state?.stepId ?? '(none)';
    const next = script[at];
    if (next === undefined || turns > 20) throw new Error(`cannot reach "${stepId}": stuck at "${at}": ${c.lastText}`);
    c.send(next);
    if (c.state?.stepId === at) throw new Error(`step "${at}" refused ${JSON.stringify(next)}: ${c.lastText}`);
  }
}

/** The session without its clock, to compare "nothing changed". */
export const withoutClock = (state: SessionState | null) => (state ? { ...state, lastActiveAt: '' } : null);

/** Sends one input and checks it was refused: the same step is asked again, nothing else changed. */
export function expectRefused(c: Conversation, input: InboundContent | string, notice: string): void {
  const before = withoutClock(c.state);
  const stepId = c.state?.stepId;
  const result = c.send(input);
  expect(result.effects).toEqual([]);
  expect(withoutClock(result.state)).toEqual(before);
  expect(result.messages).toHaveLength(1);
  expect(result.messages[0]!.text.split('\n\n')[0]).toBe(notice);
  expect(result.state.stepId).toBe(stepId);
}
