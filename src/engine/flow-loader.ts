/**
 * Loads and cross-checks `conversations/`: every flow file, the shared commands and the texts.
 * Problems are collected, not thrown one by one, so an operator fixes a broken deploy in one pass.
 * Each problem names the file, the step id where there is one, and what is wrong.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import {
  CommandsSchema,
  FlowSchema,
  TextsSchema,
  type Commands,
  type Flow,
  type FormField,
  type LocalText,
  type Step,
} from './flow-schema.js';
import { REQUIRED_TEXT_KEYS, Texts, placeholdersOf } from './texts.js';

export interface FlowSet {
  flows: ReadonlyMap<string, Flow>;
  commands: Commands;
  texts: Texts;
}

export class FlowFileError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid conversation files:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

const REQUIRED_FLOWS = ['menu', 'complaint', 'status', 'feedback', 'reply'];
const REQUIRED_FIELDS: readonly FormField[] = ['type', 'category', 'description', 'title'];

export async function loadFlowSet(dir: string): Promise<FlowSet> {
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  const files = await Promise.all(names.map(async (name) => ({ name, source: await readFile(join(dir, name), 'utf8') })));
  return parseFlowSet(files);
}

/** Pure core of {@link loadFlowSet}, so tests can feed broken files without touching the disk. */
export function parseFlowSet(files: readonly { name: string; source: string }[]): FlowSet {
  const problems: string[] = [];
  const flows = new Map<string, Flow>();
  const flowFiles = new Map<string, string>();
  let commands: Commands | undefined;
  const texts = new Map<string, LocalText>();

  for (const { name, source } of files) {
    const doc = parseDocument(name, source, problems);
    if (doc === undefined) continue;
    if (name === 'commands.yaml' || name === 'commands.yml') {
      commands = validate(CommandsSchema, doc, name, problems);
    } else if (name === 'texts.yaml' || name === 'texts.yml') {
      const parsed = validate(TextsSchema, doc, name, problems);
      for (const [key, value] of Object.entries(parsed?.texts ?? {})) texts.set(key, value);
    } else {
      const flow = validate(FlowSchema, doc, name, problems);
      if (!flow) continue;
      if (flows.has(flow.id)) problems.push(`${name}: flow id "${flow.id}" is also used by ${flowFiles.get(flow.id)}`);
      flows.set(flow.id, flow);
      flowFiles.set(flow.id, name);
    }
  }

  if (!commands) problems.push('commands.yaml: missing');
  for (const id of REQUIRED_FLOWS) if (!flows.has(id)) problems.push(`missing the "${id}" flow`);
  for (const key of REQUIRED_TEXT_KEYS) if (!texts.has(key)) problems.push(`texts.yaml: missing text "${key}"`);
  for (const [key, text] of texts) checkPlaceholders(`texts.yaml: text "${key}"`, text, problems);
  for (const [id, flow] of flows) checkFlow(flowFiles.get(id) ?? id, flow, flows, problems);

  if (problems.length > 0 || !commands) throw new FlowFileError(problems);
  return { flows, commands, texts: new Texts(texts) };
}

function parseDocument(name: string, source: string, problems: string[]): unknown {
  try {
    return parseYaml(source);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` line ${error.linePos[0].line}` : '';
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    problems.push(`${name}:${where} YAML syntax error: ${message}`);
    return undefined;
  }
}

function validate<T>(schema: z.ZodType<T>, doc: unknown, file: string, problems: string[]): T | undefined {
  const result = schema.safeParse(doc);
  if (result.success) return result.data;
  for (const issue of result.error.issues) problems.push(`${file}: ${describePath(doc, issue.path)}${issue.message}`);
  return undefined;
}

/** Turns `steps.3.maxLength` into `step "title" (steps[3]), maxLength: ` so the author finds it. */
function describePath(doc: unknown, path: readonly PropertyKey[]): string {
  if (path.length === 0) return '';
  if (path[0] === 'steps' && typeof path[1] === 'number') {
    const steps: unknown[] = isRecord(doc) && Array.isArray(doc.steps) ? doc.steps : [];
    const step = steps[path[1]];
    const id = isRecord(step) && typeof step.id === 'string' ? `step "${step.id}"` : `steps[${path[1]}]`;
    const rest = path.slice(2).map(String).join('.');
    return `${id}${rest ? `, ${rest}` : ''}: `;
  }
  return `${path.map(String).join('.')}: `;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function checkPlaceholders(where: string, text: LocalText, problems: string[]): void {
  const id = placeholdersOf(text.id).join(',');
  const en = placeholdersOf(text.en).join(',');
  if (id !== en) problems.push(`${where}: placeholders differ between id {${id}} and en {${en}}`);
}

function checkFlow(file: string, flow: Flow, flows: ReadonlyMap<string, Flow>, problems: string[]): void {
  const seen = new Map<string, Step>();
  const report = (step: Step, message: string) => problems.push(`${file}: step "${step.id}": ${message}`);
  const earlier = (step: Step, ref: string, what: string, kind?: Step['kind']) => {
    const target = seen.get(ref);
    if (!target) report(step, `${what} "${ref}" is not an earlier step of this flow`);
    else if (kind && target.kind !== kind) report(step, `${what} "${ref}" must be a ${kind} step`);
  };

  for (const step of flow.steps) {
    if (seen.has(step.id)) report(step, 'duplicate step id');
    checkPlaceholders(`${file}: step "${step.id}" prompt`, step.prompt, problems);
    if (step.when) earlier(step, step.when.step, 'when.step', 'choice');
    if (step.kind === 'choice') {
      if (!step.options === !step.source) report(step, 'needs exactly one of "options" or "source"');
      if (step.source === 'subcategories') {
        if (!step.parentStep) report(step, 'source "subcategories" needs "parentStep"');
        else earlier(step, step.parentStep, 'parentStep', 'choice');
      }
      for (const option of step.options ?? []) {
        if (option.startFlow && !flows.has(option.startFlow))
          report(step, `option "${option.id}" starts unknown flow "${option.startFlow}"`);
      }
      const ids = (step.options ?? []).map((o) => o.id);
      if (new Set(ids).size !== ids.length) report(step, 'option ids must be unique');
    }
    if (step.kind === 'text' && step.suggestFrom) earlier(step, step.suggestFrom, 'suggestFrom', 'text');
    if (step.kind === 'text' && step.minLength > step.maxLength) report(step, 'minLength is larger than maxLength');
    if (step.kind === 'summary' && step !== flow.steps.at(-1)) report(step, 'the summary must be the last step');
    seen.set(step.id, step);
  }

  const needs: Partial<Record<Flow['onComplete'], readonly FormField[]>> = { feedback: ['resolved', 'rating'], reply: ['message'] };
  const filled = flow.steps.flatMap((s) => (s.field ? [s.field] : []));
  for (const field of needs[flow.onComplete] ?? []) if (!filled.includes(field)) problems.push(`${file}: no step fills the required field "${field}"`);
  if (flow.onComplete === 'submit') {
    const fields = flow.steps.flatMap((s) => (s.field ? [s.field] : []));
    for (const field of REQUIRED_FIELDS)
      if (!fields.includes(field)) problems.push(`${file}: no step fills the required field "${field}"`);
    const duplicates = fields.filter((f, i) => fields.indexOf(f) !== i);
    for (const field of new Set(duplicates)) problems.push(`${file}: field "${field}" is filled by more than one step`);
    if (flow.steps.at(-1)?.kind !== 'summary') problems.push(`${file}: a submitting flow must end with a summary step`);
  }
}
