/** Turns the current step into the message the citizen sees: prompt, options, the summary. */
import type { Choice, OutboundMessage } from '../domain/index.js';
import type { Catalog } from './catalog.js';
import type { Flow, StepOf, Step } from './flow-schema.js';
import type { FlowSet } from './flow-loader.js';
import { suggestTitle } from './parsers.js';
import type { Answer, SessionState } from './session.js';
import { localise } from './texts.js';

/** Choice ids carry their step ("category.pu"), so a button from a question that is over is recognised. */
export const choiceId = (stepId: string, optionId: string) => `${stepId}.${optionId}`;

export function splitChoiceId(id: string): { stepId: string; optionId: string } | null {
  const dot = id.indexOf('.');
  if (dot <= 0 || dot === id.length - 1) return null;
  return { stepId: id.slice(0, dot), optionId: id.slice(dot + 1) };
}

export interface StepOption {
  id: string;
  label: string;
  /** What the answer stores; null for "I don't know". */
  value: string | null;
  startFlow?: string;
  command?: 'help' | 'language';
}

export const UNKNOWN_OPTION = 'unknown';

/** The options of a choice step in the given language, from the file or from the catalog. */
export function optionsOf(step: StepOf<'choice'>, state: SessionState, catalog: Catalog): StepOption[] {
  const lang = state.language;
  let options: StepOption[];
  if (step.options) {
    options = step.options.map((o) => ({
      id: o.id,
      label: localise(o.label, lang),
      value: o.value ?? o.id,
      ...(o.startFlow ? { startFlow: o.startFlow } : {}),
      ...(o.command ? { command: o.command } : {}),
    }));
  } else if (step.source === 'categories') {
    options = catalog.categories.filter((c) => c.parentId === null).map((c) => ({ id: c.code, label: localise(c.name, lang), value: c.id }));
  } else if (step.source === 'subcategories') {
    const parent = step.parentStep ? state.answers[step.parentStep] : undefined;
    const parentId = parent?.kind === 'choice' ? parent.value : null;
    options = catalog.categories.filter((c) => c.parentId !== null && c.parentId === parentId).map((c) => ({ id: c.code, label: localise(c.name, lang), value: c.id }));
  } else {
    options = catalog.agencies.map((a) => ({ id: a.code, label: a.name, value: a.id }));
  }
  // "I don't know" comes first: it is the common answer, and twenty agencies scroll off a phone screen.
  if (step.unknownOption) options.unshift({ id: UNKNOWN_OPTION, label: localise(step.unknownOption, lang), value: null });
  return options;
}

/** A step applies unless its `when` condition rules it out given the answers so far. */
export function applies(step: Step, answers: SessionState['answers']): boolean {
  if (!step.when) return true;
  const answer = answers[step.when.step];
  const optionId = answer?.kind === 'choice' ? answer.optionId : undefined;
  if ('in' in step.when) return optionId !== undefined && step.when.in.includes(optionId);
  return optionId === undefined || !step.when.notIn.includes(optionId);
}

export interface RenderContext {
  flows: FlowSet;
  catalog: Catalog;
}

export function renderStep(ctx: RenderContext, flow: Flow, step: Step, state: SessionState): OutboundMessage {
  const lang = state.language;
  const t = ctx.flows.texts;
  const choices = (list: { id: string; label: string }[]): Choice[] => list.map((c) => ({ id: choiceId(step.id, c.id), label: c.label }));
  const params: Record<string, string> = state.complaintCode ? { code: state.complaintCode } : {};
  const promptText = (extra: Record<string, string> = {}) => localise(step.prompt, lang, { ...params, ...extra });
  switch (step.kind) {
    case 'choice':
      return { text: promptText(), choices: choices(optionsOf(step, state, ctx.catalog)), input: 'choice' };
    case 'text': {
      const suggestion = suggestionFor(step, state);
      if (suggestion !== null) {
        return {
          text: promptText({ suggestion }),
          choices: choices([{ id: 'suggested', label: t.t('title_use_suggestion', lang) }]),
          input: 'text',
        };
      }
      return { text: promptText(), input: 'text' };
    }
    case 'yesno':
      return {
        text: promptText(),
        choices: choices([{ id: 'yes', label: t.t('yes', lang) }, { id: 'no', label: t.t('no', lang) }]),
        input: 'yesno',
      };
    case 'media': {
      const count = mediaCount(state.answers[step.id]);
      const label = count > 0 || !step.optional ? t.t('media_done', lang) : t.t('media_skip', lang);
      return { text: promptText(), choices: choices([{ id: 'done', label }]), input: 'media' };
    }
    case 'summary':
      return state.picking ? renderPicker(ctx, flow, step, state) : renderSummary(ctx, flow, step, state);
    case 'date':
      return { text: promptText(), input: 'date' };
    case 'location':
      return { text: promptText(), input: 'location' };
    case 'tracking_code':
      return { text: promptText(), input: 'text' };
  }
}

/** A title is short: the suggestion stops near 60 characters even when the step allows more. */
const SUGGESTION_MAX = 60;

/** The text a `suggestFrom` step offers (the title from the account of events), or null. */
export function suggestionFor(step: StepOf<'text'>, state: SessionState): string | null {
  const source = step.suggestFrom ? state.answers[step.suggestFrom] : undefined;
  return source?.kind === 'text' ? suggestTitle(source.text, Math.min(step.maxLength, SUGGESTION_MAX)) : null;
}

export const mediaCount = (answer: Answer | undefined) => (answer?.kind === 'media' ? answer.items.length : 0);

/** The steps the summary lists: those that apply, hold a field and have a label. */
export function summaryFields(flow: Flow, state: SessionState): Step[] {
  return flow.steps.filter((s) => s.kind !== 'summary' && s.label && applies(s, state.answers));
}

function renderSummary(ctx: RenderContext, flow: Flow, step: Step, state: SessionState): OutboundMessage {
  const lang = state.language;
  const t = ctx.flows.texts;
  const lines = summaryFields(flow, state).map((s) => `*${s.label ? localise(s.label, lang) : s.id}*: ${displayAnswer(ctx, s, state)}`);
  return {
    text: `${localise(step.prompt, lang)}\n\n${lines.join('\n')}`,
    choices: [
      { id: choiceId(step.id, 'send'), label: t.t('summary_send', lang) },
      { id: choiceId(step.id, 'change'), label: t.t('summary_change', lang) },
      { id: choiceId(step.id, 'cancel'), label: t.t('summary_cancel', lang) },
    ],
    input: 'summary',
  };
}

function renderPicker(ctx: RenderContext, flow: Flow, step: Step, state: SessionState): OutboundMessage {
  const lang = state.language;
  return {
    text: ctx.flows.texts.t('summary_pick_field', lang),
    choices: summaryFields(flow, state).map((s) => ({ id: choiceId(step.id, `edit_${s.id}`), label: s.label ? localise(s.label, lang) : s.id })),
    input: 'choice',
  };
}

const SUMMARY_TEXT_LIMIT = 300;

export function displayAnswer(ctx: RenderContext, step: Step, state: SessionState): string {
  const lang = state.language;
  const t = ctx.flows.texts;
  const answer = state.answers[step.id];
  if (!answer) return t.t('summary_empty_value', lang);
  switch (answer.kind) {
    case 'choice': {
      if (step.kind !== 'choice') return answer.optionId;
      return optionsOf(step, state, ctx.catalog).find((o) => o.id === answer.optionId)?.label ?? answer.optionId;
    }
    case 'text':
      return [...answer.text].length > SUMMARY_TEXT_LIMIT ? `${[...answer.text].slice(0, SUMMARY_TEXT_LIMIT).join('')}…` : answer.text;
    case 'date': {
      const [y, m, d] = answer.date.split('-');
      return `${d}/${m}/${y}`;
    }
    case 'location':
      return answer.address ?? t.t('summary_pin', lang, { latitude: answer.latitude?.toFixed(5) ?? '', longitude: answer.longitude?.toFixed(5) ?? '' });
    case 'media':
      return answer.items.length === 0 ? t.t('summary_empty_value', lang) : t.t('summary_attachments', lang, { count: answer.items.length });
    case 'yesno':
      return t.t(answer.value ? 'yes' : 'no', lang);
    case 'code':
      return answer.code;
  }
}
