/**
 * The conversation engine: one pure function from (session, message, clock) to the next session,
 * the replies and the effects the caller must carry out. No I/O: the tracking code and the catalog
 * come in through the context, so every flow can be table-tested.
 */
import type { CommandName, InboundContent, Language, OutboundMessage, SubmittedForm } from '../domain/index.js';
import { findTrackingCode } from '../domain/index.js';
import { readAnswer, type Notice, type ReadContext } from './answers.js';
import type { Catalog } from './catalog.js';
import type { Flow, Step } from './flow-schema.js';
import type { FlowSet } from './flow-loader.js';
import { matchCommand, normalise } from './parsers.js';
import { applies, renderStep } from './render.js';
import { idleState, type SessionState } from './session.js';
import { buildForm } from './form.js';

export interface EngineContext {
  flows: FlowSet;
  catalog: Catalog;
  /** Minutes without a message after which an unfinished form is dropped. */
  idleMinutes: number;
  /** The citizen's zone, for "hari ini" and "no future dates". */
  timeZone: string;
  defaultLanguage: Language;
  /** The tracking codes' prefix ("ADU"): a typed code is told from other text by it. */
  codePrefix: string;
  /** Draws a fresh tracking code; called only when this message confirms a form. */
  newTrackingCode: () => string;
  origin: Pick<SubmittedForm, 'channel' | 'chatId' | 'senderId'>;
}

export type Effect =
  | { type: 'submit'; form: SubmittedForm }
  | { type: 'lookup'; code: string }
  | { type: 'language'; language: Language }
  /** The citizen's verdict on the agency's answer. */
  | { type: 'feedback'; code: string; resolved: boolean; rating: number; comment: string | null }
  /** The citizen's message for a complaint's thread (an answer to "tunda", or more information). */
  | { type: 'reply'; code: string; text: string };

export interface StepResult {
  state: SessionState;
  messages: OutboundMessage[];
  effects: Effect[];
}

type Run = StepResult & { ctx: EngineContext; now: Date };

export function step(ctx: EngineContext, previous: SessionState | null, input: InboundContent, now: Date): StepResult {
  const run: Run = { ctx, now, state: previous ?? idleState(ctx.defaultLanguage, now), messages: [], effects: [] };
  if (previous && isExpired(ctx, previous, now)) {
    if (isForm(ctx, previous.flowId)) say(run, { text: ctx.flows.texts.t('session_expired', previous.language, { minutes: ctx.idleMinutes }) });
    run.state = idleState(previous.language, now);
  }
  handle(run, input);
  run.state = { ...run.state, lastActiveAt: now.toISOString() };
  return { state: run.state, messages: run.messages, effects: run.effects };
}

/**
 * Ends a form left idle past the limit, for the sweep that tells the citizen without waiting for
 * their next message. Returns null when the session is not an expired form.
 */
export function expireSession(ctx: Pick<EngineContext, 'flows' | 'idleMinutes'>, state: SessionState, now: Date): Omit<StepResult, 'effects'> | null {
  if (!isExpired(ctx, state, now) || !isForm(ctx, state.flowId)) return null;
  return {
    state: { ...idleState(state.language, now), lastActiveAt: state.lastActiveAt },
    messages: [{ text: ctx.flows.texts.t('session_expired', state.language, { minutes: ctx.idleMinutes }) }],
  };
}

/** A question about an existing complaint (an officer's "tunda", the verdict) waits this long: nothing is lost by waiting. */
export const FOLLOW_UP_IDLE_MINUTES = 30 * 24 * 60;

/**
 * When a stored session lapses: a form at the idle limit, a question about a complaint after
 * FOLLOW_UP_IDLE_MINUTES, a finished conversation after a day (it keeps the citizen's language).
 */
export function sessionExpiresAt(state: SessionState, idleMinutes: number): Date {
  const minutes = state.complaintCode || state.flowId ? waitMinutes(state, idleMinutes) : Math.max(idleMinutes, 24 * 60);
  return new Date(Date.parse(state.lastActiveAt) + minutes * 60_000);
}

/** How long a form (the idle limit) or a question about a complaint (FOLLOW_UP_IDLE_MINUTES) waits for an answer. */
function waitMinutes(state: SessionState, idleMinutes: number): number {
  return state.complaintCode ? Math.max(idleMinutes, FOLLOW_UP_IDLE_MINUTES) : idleMinutes;
}

function isExpired(ctx: Pick<EngineContext, 'idleMinutes'>, state: SessionState, now: Date): boolean {
  return state.flowId !== null && now.getTime() - Date.parse(state.lastActiveAt) > waitMinutes(state, ctx.idleMinutes) * 60_000;
}

/** A form collects answers; a menu (onComplete "none") only routes. Only forms guard their words. */
function isForm(ctx: Pick<EngineContext, 'flows'>, flowId: string | null): boolean {
  const flow = flowId ? ctx.flows.flows.get(flowId) : undefined;
  return flow !== undefined && flow.onComplete !== 'none';
}

const say = (run: Run, message: OutboundMessage) => run.messages.push(message);
const text = (run: Run, key: Parameters<FlowSet['texts']['t']>[0], params?: Record<string, string | number>) =>
  run.ctx.flows.texts.t(key, run.state.language, params);

function handle(run: Run, input: InboundContent): void {
  const command = commandOf(run, input);
  if (command) return runCommand(run, command.command, command.argument);
  const flow = run.state.flowId ? run.ctx.flows.flows.get(run.state.flowId) : undefined;
  const current = flow?.steps.find((s) => s.id === run.state.stepId);
  if (!flow || !current) return idle(run, input);
  answer(run, flow, current, input);
}

/**
 * Inside a form only cancel/back/help/language are words of power, and only on their own ("batal",
 * "bahasa en"): an answer that merely starts with one ("Tolong perbaiki jalan…", "Stop pungli…") is
 * an answer. Elsewhere every command is.
 */
function commandOf(run: Run, input: InboundContent): { command: CommandName; argument?: string } | null {
  if (input.kind === 'command') return { command: input.command, ...(input.argument ? { argument: input.argument } : {}) };
  if (input.kind !== 'text') return null;
  const found = matchCommand(input.text, run.ctx.flows.commands);
  if (!found) return null;
  if (isForm(run.ctx, run.state.flowId)) {
    // In a follow-up form, "tambah KODE" / "nilai KODE" (re)opens the form about that complaint.
    const followUp = run.state.complaintCode !== null && (found.command === 'reply' || found.command === 'rate') && found.argument !== undefined && findTrackingCode(found.argument) !== null;
    if (followUp) return found;
    if (!['cancel', 'back', 'help', 'language'].includes(found.command)) return null;
    if (found.argument && !(found.command === 'language' && languageNamed(found.argument))) return null;
  }
  return found;
}

function runCommand(run: Run, command: CommandName, argument?: string): void {
  switch (command) {
    case 'cancel':
      if (isForm(run.ctx, run.state.flowId)) {
        run.state = idleState(run.state.language, run.now);
        say(run, { text: text(run, 'cancelled') });
      } else say(run, { text: text(run, 'nothing_to_cancel') });
      return startFlow(run, 'menu');
    case 'back':
      return back(run);
    case 'help':
      say(run, { text: text(run, 'help') });
      return reprompt(run);
    case 'language':
      return switchLanguage(run, argument);
    case 'menu':
    case 'start':
      run.state = idleState(run.state.language, run.now);
      return startFlow(run, 'menu');
    case 'report':
      return startFlow(run, 'complaint');
    case 'status':
      if (argument) return lookupText(run, argument);
      return startFlow(run, 'status');
    case 'rate':
    case 'reply': {
      const code = argument ? findTrackingCode(argument) : null;
      if (!code?.startsWith(`${run.ctx.codePrefix}-`)) {
        say(run, { text: text(run, 'error_code_invalid') });
        return reprompt(run);
      }
      return startFlow(run, command === 'rate' ? 'feedback' : 'reply', code);
    }
  }
}

function languageNamed(argument: string): Language | undefined {
  const wanted = normalise(argument);
  return ['en', 'english', 'inggris'].includes(wanted) ? 'en' : ['id', 'indonesia', 'bahasa indonesia', 'indonesian'].includes(wanted) ? 'id' : undefined;
}

function switchLanguage(run: Run, argument?: string): void {
  const named = argument ? languageNamed(argument) : undefined;
  const language: Language = named ?? (run.state.language === 'id' ? 'en' : 'id');
  run.state = { ...run.state, language };
  run.effects.push({ type: 'language', language });
  say(run, { text: text(run, 'language_changed') });
  reprompt(run);
}

function lookupText(run: Run, argument: string): void {
  run.state = idleState(run.state.language, run.now);
  const status = run.ctx.flows.flows.get('status');
  const codeStep = status?.steps[0];
  if (!status || !codeStep) return;
  run.state = { ...run.state, flowId: status.id, stepId: codeStep.id };
  answer(run, status, codeStep, { kind: 'text', text: argument });
}

/** No flow running: a tracking code looks it up, anything else opens the menu. */
function idle(run: Run, input: InboundContent): void {
  if (input.kind === 'text' && findTrackingCode(input.text)?.startsWith(`${run.ctx.codePrefix}-`)) return lookupText(run, input.text);
  if (input.kind === 'choice') say(run, { text: text(run, 'error_choice_closed') });
  startFlow(run, 'menu');
}

function startFlow(run: Run, flowId: string, complaintCode: string | null = null): void {
  const flow = run.ctx.flows.flows.get(flowId);
  const first = flow?.steps.find((s) => applies(s, {}));
  if (!flow || !first) return;
  run.state = { ...idleState(run.state.language, run.now), flowId: flow.id, stepId: first.id, complaintCode };
  prompt(run, flow, first);
}

/**
 * Opens a flow about a complaint from outside a conversation: the feedback form after the agency's
 * answer, or the reply form when an officer asks for more information. A citizen in the middle of
 * a form is not interrupted (null): they can open it later with "nilai <kode>" or "tambah <kode>".
 */
export function beginFlow(ctx: EngineContext, previous: SessionState | null, flowId: 'feedback' | 'reply', complaintCode: string, now: Date): StepResult | null {
  if (previous && previous.flowId !== null && !isExpired(ctx, previous, now) && isForm(ctx, previous.flowId)) return null;
  const run: Run = { ctx, now, state: idleState(previous?.language ?? ctx.defaultLanguage, now), messages: [], effects: [] };
  // An expired form the sweep has not reported yet: say it was dropped, as step() does, or nobody will.
  if (previous && isForm(ctx, previous.flowId)) say(run, { text: ctx.flows.texts.t('session_expired', previous.language, { minutes: ctx.idleMinutes }) });
  startFlow(run, flowId, complaintCode);
  return { state: run.state, messages: run.messages, effects: run.effects };
}

function prompt(run: Run, flow: Flow, current: Step, notices: Notice[] = []): void {
  const message = renderStep(run.ctx, flow, current, run.state);
  const prefix = notices.map((n) => text(run, n.key, n.params)).join('\n');
  say(run, prefix ? { ...message, text: `${prefix}\n\n${message.text}` } : message);
}

function reprompt(run: Run): void {
  const flow = run.state.flowId ? run.ctx.flows.flows.get(run.state.flowId) : undefined;
  const current = flow?.steps.find((s) => s.id === run.state.stepId);
  if (flow && current) prompt(run, flow, current);
  else startFlow(run, 'menu');
}

function answer(run: Run, flow: Flow, current: Step, input: InboundContent): void {
  const readCtx: ReadContext = {
    catalog: run.ctx.catalog,
    commands: run.ctx.flows.commands,
    timeZone: run.ctx.timeZone,
    now: run.now,
    flow,
    language: run.state.language,
    texts: run.ctx.flows.texts,
    codePrefix: run.ctx.codePrefix,
  };
  const reading = readAnswer(readCtx, current, run.state, input);
  switch (reading.kind) {
    case 'error':
      return prompt(run, flow, current, reading.notice);
    case 'partial':
      run.state = { ...run.state, answers: { ...run.state.answers, [current.id]: reading.answer } };
      return prompt(run, flow, current, reading.notice);
    case 'option':
      if (reading.option.startFlow) return startFlow(run, reading.option.startFlow);
      return runCommand(run, reading.option.command === 'help' ? 'help' : 'language');
    case 'edit': {
      const target = flow.steps.find((s) => s.id === reading.stepId);
      if (!target) return prompt(run, flow, current);
      run.state = { ...run.state, stepId: target.id, editing: true, picking: false };
      return prompt(run, flow, target);
    }
    case 'summary':
      return summaryAction(run, flow, current, reading.action);
    case 'answer': {
      const answers = { ...run.state.answers, [current.id]: reading.answer };
      for (const dependent of flow.steps) {
        const changed = run.state.answers[current.id];
        if (dependent.kind === 'choice' && dependent.parentStep === current.id && JSON.stringify(changed) !== JSON.stringify(reading.answer)) delete answers[dependent.id];
      }
      run.state = { ...run.state, answers };
      if (current.kind === 'tracking_code' && reading.answer.kind === 'code') {
        run.effects.push({ type: 'lookup', code: reading.answer.code });
        run.state = idleState(run.state.language, run.now);
        return;
      }
      return advance(run, flow, current);
    }
  }
}

function summaryAction(run: Run, flow: Flow, current: Step, action: 'send' | 'change' | 'cancel'): void {
  if (action === 'cancel') return runCommand(run, 'cancel');
  if (action === 'change') {
    run.state = { ...run.state, picking: true };
    return prompt(run, flow, current);
  }
  // An edit left a later answer empty (a new category clears the sub-category): ask it before sending.
  const missing = flow.steps.find((s) => s.field && s.kind !== 'media' && s.kind !== 'summary' && applies(s, run.state.answers) && !run.state.answers[s.id]);
  if (missing) {
    run.state = { ...run.state, stepId: missing.id, editing: true, picking: false };
    return prompt(run, flow, missing);
  }
  const form = buildForm(run.ctx, flow, run.state, run.now);
  run.effects.push({ type: 'submit', form });
  say(run, { text: text(run, 'submitted', { code: form.trackingCode }) });
  run.state = idleState(run.state.language, run.now);
}

/** On to the next step that applies; after an edit, to the first unanswered one or back to the summary. */
function advance(run: Run, flow: Flow, current: Step): void {
  const index = flow.steps.indexOf(current);
  const later = flow.steps.slice(index + 1).filter((s) => applies(s, run.state.answers));
  const next = run.state.editing ? (later.find((s) => s.kind !== 'summary' && !run.state.answers[s.id]) ?? flow.steps.at(-1)) : later[0];
  if (!next) return complete(run, flow);
  const editing = run.state.editing && next.kind !== 'summary';
  run.state = { ...run.state, stepId: next.id, history: [...run.state.history, current.id], editing, picking: false };
  prompt(run, flow, next);
}

function back(run: Run): void {
  const flow = run.state.flowId ? run.ctx.flows.flows.get(run.state.flowId) : undefined;
  if (!flow || !isForm(run.ctx, flow.id)) return startFlow(run, 'menu');
  const summary = flow.steps.at(-1);
  if ((run.state.editing || run.state.picking) && summary?.kind === 'summary') {
    run.state = { ...run.state, stepId: summary.id, editing: false, picking: false };
    return prompt(run, flow, summary);
  }
  const history = [...run.state.history];
  let previous: Step | undefined;
  while (!previous && history.length > 0) {
    const id = history.pop();
    previous = flow.steps.find((s) => s.id === id && applies(s, run.state.answers));
  }
  if (!previous) {
    say(run, { text: text(run, 'back_at_start') });
    return reprompt(run);
  }
  run.state = { ...run.state, stepId: previous.id, history, picking: false };
  prompt(run, flow, previous);
}


/** The last step of a flow without a summary was answered: hand its answers to the caller. */
function complete(run: Run, flow: Flow): void {
  const answers = run.state.answers;
  const byField = (field: string) => {
    const step = flow.steps.find((s) => s.field === field);
    return step ? answers[step.id] : undefined;
  };
  const code = run.state.complaintCode;
  run.state = idleState(run.state.language, run.now);
  if (flow.onComplete === 'feedback' && code) {
    const resolved = byField('resolved');
    const rating = byField('rating');
    const comment = byField('comment');
    run.effects.push({
      type: 'feedback',
      code,
      resolved: resolved?.kind === 'choice' ? resolved.value === 'yes' : resolved?.kind === 'yesno' ? resolved.value : false,
      rating: rating?.kind === 'choice' ? Number(rating.value) : 0,
      comment: comment?.kind === 'text' ? comment.text : null,
    });
    return;
  }
  if (flow.onComplete === 'reply' && code) {
    const message = byField('message');
    if (message?.kind === 'text') run.effects.push({ type: 'reply', code, text: message.text });
    return;
  }
  startFlow(run, 'menu');
}
