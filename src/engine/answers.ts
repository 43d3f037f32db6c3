/** Reads one inbound message as the answer to the current step, or says what is wrong with it. */
import { findTrackingCode, type InboundContent, type Language } from '../domain/index.js';
import type { Catalog } from './catalog.js';
import type { Commands, Step, StepOf } from './flow-schema.js';
import { compareDates, localDate, matchChoice, matchWord, mimeAllowed, normalise, parseDate, toIsoDate } from './parsers.js';
import { mediaCount, optionsOf, splitChoiceId, suggestionFor, summaryFields, type StepOption } from './render.js';
import type { Flow } from './flow-schema.js';
import type { Answer, SessionState } from './session.js';
import type { TextKey, TextParams, Texts } from './texts.js';

export type Reading =
  | { kind: 'answer'; answer: Answer }
  /** Media arrived but the step stays open for more. */
  | { kind: 'partial'; answer: Answer; notice: Notice[] }
  | { kind: 'error'; notice: Notice[] }
  | { kind: 'option'; option: StepOption }
  | { kind: 'summary'; action: 'send' | 'change' | 'cancel' }
  | { kind: 'edit'; stepId: string };

export interface Notice {
  key: TextKey;
  params?: TextParams;
}

const error = (key: TextKey, params?: TextParams): Reading => ({ kind: 'error', notice: [{ key, ...(params ? { params } : {}) }] });

export interface ReadContext {
  catalog: Catalog;
  commands: Commands;
  timeZone: string;
  now: Date;
  flow: Flow;
  language: Language;
  texts: Texts;
  /** This deployment's tracking-code prefix: "terima kasih" must not be read as code TER-1MAK-AS1H. */
  codePrefix: string;
}

/** Which button of this step was pressed (null: no button), or `closed` for a button of another step. */
function pressed(step: Step, input: InboundContent): { closed: true } | { closed: false; button: string | null } {
  if (input.kind !== 'choice') return { closed: false, button: null };
  const parts = splitChoiceId(input.choiceId);
  if (!parts || parts.stepId !== step.id) return { closed: true };
  return { closed: false, button: parts.optionId };
}

/** The buttons each kind of step offers besides its options (choice and summary check their own). */
const OWN_BUTTONS: Partial<Record<Step['kind'], readonly string[]>> = {
  text: ['suggested'],
  media: ['done'],
  yesno: ['yes', 'no'],
  date: [],
  location: [],
  tracking_code: [],
};

export function readAnswer(ctx: ReadContext, step: Step, state: SessionState, input: InboundContent): Reading {
  const press = pressed(step, input);
  if (press.closed) return error('error_choice_closed');
  const button = press.button;
  if (button !== null && OWN_BUTTONS[step.kind]?.includes(button) === false) return error('error_choice_unknown');
  switch (step.kind) {
    case 'choice':
      return readChoice(ctx, step, state, input, button);
    case 'text':
      return readText(step, state, input, button);
    case 'date':
      return readDate(ctx, step, input);
    case 'location':
      return readLocation(ctx, input);
    case 'media':
      return readMedia(ctx, step, state, input, button);
    case 'yesno':
      return readYesNo(ctx, input, button);
    case 'tracking_code': {
      const code = input.kind === 'text' ? findTrackingCode(input.text) : null;
      return code?.startsWith(`${ctx.codePrefix}-`) ? { kind: 'answer', answer: { kind: 'code', code } } : error('error_code_invalid');
    }
    case 'summary':
      return readSummary(ctx, state, input, button);
  }
}

function readChoice(ctx: ReadContext, step: StepOf<'choice'>, state: SessionState, input: InboundContent, button: string | null): Reading {
  const options = optionsOf(step, state, ctx.catalog);
  let option: StepOption | undefined;
  if (button !== null) option = options.find((o) => o.id === button);
  else if (input.kind === 'text') {
    const match = matchChoice(input.text, options);
    option = match ? options.find((o) => o.id === match.id) : undefined;
  }
  if (!option) return error('error_choice_unknown');
  if (option.startFlow || option.command) return { kind: 'option', option };
  return { kind: 'answer', answer: { kind: 'choice', optionId: option.id, value: option.value } };
}

/** Length in characters as a person counts them (an emoji is one), not UTF-16 units. */
const charLength = (text: string) => [...text].length;

function readText(step: StepOf<'text'>, state: SessionState, input: InboundContent, button: string | null): Reading {
  // The suggestion is held to the same limits as typed text: "?! Jalan rusak…" suggests an empty title.
  const suggested = button === 'suggested' ? suggestionFor(step, state) : null;
  const written = suggested ?? (input.kind === 'text' ? input.text : null);
  if (written === null) return error('error_expected_text');
  const text = written.trim();
  const length = charLength(text);
  if (length === 0) return error('error_text_empty');
  if (length < step.minLength) return error('error_text_too_short', { min: step.minLength, length });
  if (length > step.maxLength) return error('error_text_too_long', { max: step.maxLength, length });
  return { kind: 'answer', answer: { kind: 'text', text } };
}

const OLDEST_YEARS = 10;

function readDate(ctx: ReadContext, step: StepOf<'date'>, input: InboundContent): Reading {
  if (input.kind !== 'text') return error('error_date_invalid');
  const today = localDate(ctx.now, ctx.timeZone);
  const date = parseDate(input.text, today);
  if (!date) return error('error_date_invalid');
  if (!step.allowFuture && compareDates(date, today) > 0) return error('error_date_future');
  if (date.year < today.year - OLDEST_YEARS) return error('error_date_too_old');
  return { kind: 'answer', answer: { kind: 'date', date: toIsoDate(date) } };
}

const ADDRESS_MIN = 5;
const ADDRESS_MAX = 500;

function readLocation(ctx: ReadContext, input: InboundContent): Reading {
  if (input.kind === 'location') {
    const address = input.address?.trim() ? input.address.trim().slice(0, ADDRESS_MAX) : null;
    return {
      kind: 'answer',
      answer: { kind: 'location', latitude: input.latitude, longitude: input.longitude, address, regionCode: regionOf(ctx.catalog, address) },
    };
  }
  if (input.kind !== 'text') return error('error_location_invalid');
  const address = input.text.trim();
  if (charLength(address) < ADDRESS_MIN || charLength(address) > ADDRESS_MAX) return error('error_location_invalid');
  return { kind: 'answer', answer: { kind: 'location', latitude: null, longitude: null, address, regionCode: regionOf(ctx.catalog, address) } };
}

/** The region whose name the address mentions ("… Kec. Lowokwaru"), else the deployment's default. */
function regionOf(catalog: Catalog, address: string | null): string | null {
  const words = address ? ` ${normalise(address)} ` : '';
  const named = catalog.regions.find((r) => words.includes(` ${normalise(r.name)} `));
  return named?.code ?? catalog.defaultRegionCode;
}

function readMedia(ctx: ReadContext, step: StepOf<'media'>, state: SessionState, input: InboundContent, button: string | null): Reading {
  const current = state.answers[step.id];
  const items = current?.kind === 'media' ? current.items : [];
  const finishing = button === 'done' || (input.kind === 'text' && matchWord(input.text, ctx.commands.done));
  if (finishing) {
    if (items.length === 0 && !step.optional) return error('error_media_expected');
    return { kind: 'answer', answer: { kind: 'media', items } };
  }
  if (input.kind !== 'media') return error('error_media_expected');
  const notice: Notice[] = [];
  const accepted = [...items];
  for (const media of input.media) {
    if (!mimeAllowed(media.mimeType, step.mimeTypes)) notice.push({ key: 'error_media_type', params: { type: media.mimeType } });
    else if (media.sizeBytes > step.maxBytes) notice.push({ key: 'error_media_too_big', params: { maxMb: Math.floor(step.maxBytes / 1048576) } });
    else if (accepted.length >= step.maxFiles) notice.push({ key: 'error_media_too_many', params: { max: step.maxFiles } });
    else if (!accepted.some((a) => a.attachmentId === media.attachmentId)) accepted.push(media);
  }
  if (accepted.length === items.length) return { kind: 'error', notice };
  const answer: Answer = { kind: 'media', items: accepted };
  notice.push({ key: 'media_received', params: { count: mediaCount(answer), max: step.maxFiles } });
  return { kind: 'partial', answer, notice };
}

function readYesNo(ctx: ReadContext, input: InboundContent, button: string | null): Reading {
  if (button === 'yes' || button === 'no') return { kind: 'answer', answer: { kind: 'yesno', value: button === 'yes' } };
  if (input.kind === 'text') {
    if (matchWord(input.text, ctx.commands.yes)) return { kind: 'answer', answer: { kind: 'yesno', value: true } };
    if (matchWord(input.text, ctx.commands.no)) return { kind: 'answer', answer: { kind: 'yesno', value: false } };
  }
  return error('error_yesno');
}

const SUMMARY_ACTIONS = ['send', 'change', 'cancel'] as const;

function readSummary(ctx: ReadContext, state: SessionState, input: InboundContent, button: string | null): Reading {
  const fields = summaryFields(ctx.flow, state);
  if (state.picking) {
    const edit = button?.startsWith('edit_') ? button.slice(5) : null;
    if (edit && fields.some((f) => f.id === edit)) return { kind: 'edit', stepId: edit };
    if (input.kind === 'text') {
      const labels = fields.map((f) => ({ id: f.id, label: f.label ? f.label[ctx.language] : f.id }));
      const match = matchChoice(input.text, labels);
      if (match) return { kind: 'edit', stepId: match.id };
    }
    return error('error_choice_unknown');
  }
  if (button === 'send' || button === 'change' || button === 'cancel') return { kind: 'summary', action: button };
  if (input.kind === 'text') {
    if (matchWord(input.text, ctx.commands.yes)) return { kind: 'summary', action: 'send' };
    const actions = SUMMARY_ACTIONS.map((id) => ({ id, label: ctx.texts.t(`summary_${id}`, ctx.language) }));
    const match = matchChoice(input.text, actions);
    const action = SUMMARY_ACTIONS.find((a) => a === match?.id);
    if (action) return { kind: 'summary', action };
  }
  return error('error_choice_unknown');
}
