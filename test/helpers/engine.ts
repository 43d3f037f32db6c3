import { join } from 'node:path';
import type { InboundContent } from '../../src/domain/index.js';
import { loadFlowSet, step, type EngineContext, type FlowSet, type SessionState, type StepResult } from '../../src/engine/index.js';
import { testCatalog } from './catalog.js';

export const conversationsDir = join(import.meta.dirname, '..', '..', 'conversations');

let cached: FlowSet | undefined;
export async function realFlows(): Promise<FlowSet> {
  cached ??= await loadFlowSet(conversationsDir);
  return cached;
}

export function engineContext(flows: FlowSet, overrides: Partial<EngineContext> = {}): EngineContext {
  return {
    flows,
    catalog: testCatalog,
    idleMinutes: 60,
    timeZone: 'Asia/Jakarta',
    defaultLanguage: 'id',
    codePrefix: 'ADU',
    newTrackingCode: () => 'ADU-7KQ2-M9XD',
    origin: { channel: 'WEBCHAT', chatId: 'chat-1', senderId: 'chat-1' },
    ...overrides,
  };
}

/** Drives the engine through a list of inputs, one minute apart, returning every result. */
export class Conversation {
  state: SessionState | null = null;
  now: Date;
  results: StepResult[] = [];
  constructor(readonly ctx: EngineContext, start = new Date('2026-11-23T03:00:00Z')) {
    this.now = start;
  }
  send(input: InboundContent | string): StepResult {
    const content: InboundContent = typeof input === 'string' ? { kind: 'text', text: input } : input;
    const result = step(this.ctx, this.state, content, this.now);
    this.state = result.state;
    this.results.push(result);
    this.now = new Date(this.now.getTime() + 60_000);
    return result;
  }
  choose(choiceId: string): StepResult {
    return this.send({ kind: 'choice', choiceId });
  }
  get last(): StepResult {
    const r = this.results.at(-1);
    if (!r) throw new Error('nothing sent yet');
    return r;
  }
  get lastText(): string {
    return this.last.messages.map((m) => m.text).join('\n---\n');
  }
}
