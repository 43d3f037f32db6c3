/** The loader against the real conversation files, and against broken copies of them. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { FlowFileError, loadFlowSet, parseFlowSet, type FlowSet } from '../../src/engine/index.js';
import { conversationsDir } from '../helpers/engine.js';

const sources = new Map(
  readdirSync(conversationsDir)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => [name, readFileSync(join(conversationsDir, name), 'utf8')] as const),
);

type Edit = ((source: string) => string) | null;
type StepDoc = Record<string, unknown> & { id: string };
type FlowDoc = Record<string, unknown> & { steps: StepDoc[] };
type TextsDoc = { texts: Record<string, { id: string; en: string }> };

/** Re-stringifies a flow file after changing the parsed document. */
const flow = (change: (doc: FlowDoc, step: (id: string) => StepDoc) => void) => (source: string) => {
  const doc = parse(source) as FlowDoc;
  change(doc, (id) => {
    const found = doc.steps.find((s) => s.id === id);
    if (!found) throw new Error(`no step "${id}" in the real file`);
    return found;
  });
  return stringify(doc);
};
const texts = (change: (doc: TextsDoc) => void) => (source: string) => {
  const doc = parse(source) as TextsDoc;
  change(doc);
  return stringify(doc);
};

function load(edits: Record<string, Edit> = {}): FlowSet {
  const files = [...sources].flatMap(([name, source]) => {
    const edit = edits[name];
    if (edit === null) return [];
    return [{ name, source: edit ? edit(source) : source }];
  });
  return parseFlowSet(files);
}

function problemsOf(edits: Record<string, Edit>): string[] {
  try {
    load(edits);
  } catch (error) {
    if (error instanceof FlowFileError) return error.problems;
    throw error;
  }
  throw new Error('the broken files were accepted');
}

describe('the real conversation files', () => {
  it('load from disk with every flow, command and text', async () => {
    const set = await loadFlowSet(conversationsDir);
    expect([...set.flows.keys()].sort()).toEqual(['complaint', 'feedback', 'menu', 'reply', 'status']);
    expect(set.flows.get('complaint')!.steps.map((s) => s.id)).toEqual([
      'type', 'category', 'subcategory', 'description', 'title', 'incident_date',
      'location', 'attachments', 'agency', 'anonymous', 'confidential', 'summary',
    ]);
    expect(set.flows.get('complaint')!.onComplete).toBe('submit');
    expect(set.commands.commands.cancel).toContain('batal');
    expect(set.texts.t('error_text_too_long', 'en', { length: 5, max: 4 })).toBe('Too long (5 characters). At most 4 characters.');
  });

  it('still load after a parse/stringify round trip, so the broken copies below differ only in what they break', () => {
    const roundTrip = (source: string) => stringify(parse(source));
    const set = load(Object.fromEntries([...sources.keys()].map((name) => [name, roundTrip])));
    expect(set.flows.size).toBe(5);
  });
});

describe('broken files are refused with the file, the step and the problem', () => {
  it('a YAML syntax error names the file and the line', () => {
    const source = sources.get('complaint.yaml')!;
    const lines = source.split('\n');
    const line = lines.findIndex((l) => l.startsWith('onComplete:')) + 1;
    lines[line - 1] = 'onComplete: submit: now';
    const problems = problemsOf({ 'complaint.yaml': () => lines.join('\n') });
    expect(problems[0]).toMatch(new RegExp(`^complaint\\.yaml: line ${line} YAML syntax error: `));
  });

  it.each<[string, Record<string, Edit>, string]>([
    [
      'a typo in a step kind',
      { 'complaint.yaml': flow((_, step) => void (step('description').kind = 'txt')) },
      'complaint.yaml: step "description", kind: ',
    ],
    [
      'an unknown key on a step',
      { 'complaint.yaml': flow((_, step) => void (step('title').maxLenght = 100)) },
      'complaint.yaml: step "title": Unrecognized key: "maxLenght"',
    ],
    [
      'when.step naming a later step',
      { 'complaint.yaml': flow((_, step) => void (step('title').when = { step: 'agency', notIn: ['unknown'] })) },
      'complaint.yaml: step "title": when.step "agency" is not an earlier step of this flow',
    ],
    [
      'when.step naming an unknown step',
      { 'complaint.yaml': flow((_, step) => void (step('incident_date').when = { step: 'jenis', notIn: ['aspirasi'] })) },
      'complaint.yaml: step "incident_date": when.step "jenis" is not an earlier step of this flow',
    ],
    [
      'when.step naming a step that is not a choice',
      { 'complaint.yaml': flow((_, step) => void (step('incident_date').when = { step: 'description', in: ['x'] })) },
      'complaint.yaml: step "incident_date": when.step "description" must be a choice step',
    ],
    [
      'suggestFrom naming a step that is not text',
      { 'complaint.yaml': flow((_, step) => void (step('title').suggestFrom = 'category')) },
      'complaint.yaml: step "title": suggestFrom "category" must be a text step',
    ],
    [
      'a missing text key',
      { 'texts.yaml': texts((doc) => delete doc.texts.session_expired) },
      'texts.yaml: missing text "session_expired"',
    ],
    [
      'placeholders that differ between id and en',
      { 'texts.yaml': texts((doc) => void (doc.texts.error_text_too_short!.en = 'Too short ({len} characters), at least {min}.')) },
      'texts.yaml: text "error_text_too_short": placeholders differ between id {length,min} and en {len,min}',
    ],
    [
      'a prompt whose translation lost its placeholder',
      { 'complaint.yaml': flow((_, step) => void (step('title').prompt = { id: 'Judul? *{suggestion}*', en: 'Title?' })) },
      'complaint.yaml: step "title" prompt: placeholders differ between id {suggestion} and en {}',
    ],
    [
      'a choice step with both options and source',
      { 'complaint.yaml': flow((_, step) => void (step('category').options = [{ id: 'pu', label: { id: 'PU', en: 'PW' } }])) },
      'complaint.yaml: step "category": needs exactly one of "options" or "source"',
    ],
    [
      'a choice step with neither options nor source',
      { 'complaint.yaml': flow((_, step) => void delete step('category').source) },
      'complaint.yaml: step "category": needs exactly one of "options" or "source"',
    ],
    [
      'duplicate step ids',
      { 'complaint.yaml': flow((_, step) => void (step('confidential').id = 'anonymous')) },
      'complaint.yaml: step "anonymous": duplicate step id',
    ],
    [
      'an option starting an unknown flow',
      { 'menu.yaml': flow((doc) => void ((doc.steps[0]!.options as Record<string, unknown>[])[0]!.startFlow = 'complain')) },
      'menu.yaml: step "main": option "report" starts unknown flow "complain"',
    ],
    [
      'a submitting flow without a summary at the end',
      { 'complaint.yaml': flow((doc) => void doc.steps.pop()) },
      'complaint.yaml: a submitting flow must end with a summary step',
    ],
    [
      'a summary that is not the last step',
      { 'complaint.yaml': flow((doc) => void doc.steps.splice(2, 0, doc.steps.pop()!)) },
      'complaint.yaml: step "summary": the summary must be the last step',
    ],
    [
      'a submitting flow that never fills the title',
      { 'complaint.yaml': flow((_, step) => void delete step('title').field) },
      'complaint.yaml: no step fills the required field "title"',
    ],
    [
      'a field filled by two steps',
      { 'complaint.yaml': flow((_, step) => void (step('confidential').field = 'anonymous')) },
      'complaint.yaml: field "anonymous" is filled by more than one step',
    ],
    ['no commands file', { 'commands.yaml': null }, 'commands.yaml: missing'],
    ['no status flow', { 'status.yaml': null }, 'missing the "status" flow'],
    [
      'two files with one flow id',
      { 'status.yaml': flow((doc) => void (doc.id = 'menu')) },
      'status.yaml: flow id "menu" is also used by menu.yaml',
    ],
  ])('%s', (_what, edits, problem) => {
    const problems = problemsOf(edits);
    expect(problems.some((p) => p.startsWith(problem)), `got:\n${problems.join('\n')}`).toBe(true);
  });

  it('reports several problems in several files at once', () => {
    let error: unknown;
    try {
      load({
        'complaint.yaml': flow((_, step) => {
          step('title').suggestFrom = 'type';
          step('confidential').id = 'anonymous';
        }),
        'texts.yaml': texts((doc) => {
          delete doc.texts.help;
          doc.texts.submitted!.en = 'Thanks!';
        }),
        'menu.yaml': flow((doc) => void ((doc.steps[0]!.options as Record<string, unknown>[])[1]!.startFlow = 'lacak')),
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FlowFileError);
    const { problems, message } = error as FlowFileError;
    const expected = [
      'complaint.yaml: step "title": suggestFrom "type" must be a text step',
      'complaint.yaml: step "anonymous": duplicate step id',
      'texts.yaml: missing text "help"',
      'texts.yaml: text "submitted": placeholders differ between id {code,code} and en {}',
      'menu.yaml: step "main": option "status" starts unknown flow "lacak"',
    ];
    expect(problems).toEqual(expect.arrayContaining(expected));
    expect(problems).toHaveLength(expected.length);
    for (const problem of expected) expect(message).toContain(`  ${problem}`);
  });
});
