/**
 * The shape of the flow files in `conversations/`. Flows are data: a bad file stops start-up with
 * the file, the step id and the problem, never a citizen mid-conversation.
 */
import { z } from 'zod';

const slug = z.string().regex(/^[a-z][a-z0-9_]*$/, { error: 'must be lower_snake_case (a-z, 0-9, _)' });

/** A text in every supported language. `{name}` placeholders are filled at render time. */
export const LocalTextSchema = z.strictObject({ id: z.string().min(1), en: z.string().min(1) });
export type LocalText = z.infer<typeof LocalTextSchema>;

/** The complaint fields a step may fill; the intake flow must fill the required ones. */
export const FORM_FIELDS = [
  'type',
  'category',
  'subcategory',
  'description',
  'title',
  'incidentDate',
  'location',
  'attachments',
  'agency',
  'anonymous',
  'confidential',
  // The feedback form (after the agency's answer) and the citizen's reply to a complaint.
  'resolved',
  'rating',
  'comment',
  'message',
] as const;
export type FormField = (typeof FORM_FIELDS)[number];

/** Show a step only when an earlier choice answer is (or is not) one of the listed option ids. */
const ConditionSchema = z.union([
  z.strictObject({ step: slug, in: z.array(z.string()).min(1) }),
  z.strictObject({ step: slug, notIn: z.array(z.string()).min(1) }),
]);
export type Condition = z.infer<typeof ConditionSchema>;

const base = {
  id: slug,
  prompt: LocalTextSchema,
  /** The short name shown in the summary and the "change which answer?" list. */
  label: LocalTextSchema.optional(),
  field: z.enum(FORM_FIELDS).optional(),
  when: ConditionSchema.optional(),
};

const OptionSchema = z.strictObject({
  id: slug,
  label: LocalTextSchema,
  /** The value stored in the form (e.g. the report type PENGADUAN); defaults to the id. */
  value: z.string().optional(),
  /** Menu options start another flow or run a command instead of storing an answer. */
  startFlow: slug.optional(),
  command: z.enum(['help', 'language']).optional(),
});
export type FlowOption = z.infer<typeof OptionSchema>;

const ChoiceStepSchema = z.strictObject({
  ...base,
  kind: z.literal('choice'),
  options: z.array(OptionSchema).min(1).optional(),
  /** Options from the catalog instead of the file: top-level categories, the sub-categories of an
   * earlier category answer, or the agencies a citizen may name. */
  source: z.enum(['categories', 'subcategories', 'agencies']).optional(),
  parentStep: slug.optional(),
  /** An extra "I don't know" option that stores no value (agency). */
  unknownOption: LocalTextSchema.optional(),
});

const TextStepSchema = z.strictObject({
  ...base,
  kind: z.literal('text'),
  minLength: z.int().min(0).default(1),
  maxLength: z.int().min(1).max(10_000),
  /** Offer a suggestion built from an earlier text answer (the title from the description). */
  suggestFrom: slug.optional(),
});

const DateStepSchema = z.strictObject({ ...base, kind: z.literal('date'), allowFuture: z.boolean().default(false) });
const LocationStepSchema = z.strictObject({ ...base, kind: z.literal('location') });
const YesNoStepSchema = z.strictObject({ ...base, kind: z.literal('yesno') });
const SummaryStepSchema = z.strictObject({ ...base, kind: z.literal('summary') });
const TrackingCodeStepSchema = z.strictObject({ ...base, kind: z.literal('tracking_code') });

const MediaStepSchema = z.strictObject({
  ...base,
  kind: z.literal('media'),
  optional: z.boolean().default(true),
  maxFiles: z.int().min(1).max(20),
  maxBytes: z.int().min(1),
  /** MIME types, exact or with a wildcard subtype: image/*, application/pdf. */
  mimeTypes: z.array(z.string().regex(/^[a-z]+\/([a-z0-9.+-]+|\*)$/)).min(1),
});

export const StepSchema = z.discriminatedUnion('kind', [
  ChoiceStepSchema,
  TextStepSchema,
  DateStepSchema,
  LocationStepSchema,
  MediaStepSchema,
  YesNoStepSchema,
  SummaryStepSchema,
  TrackingCodeStepSchema,
]);
export type Step = z.infer<typeof StepSchema>;
export type StepOf<K extends Step['kind']> = Extract<Step, { kind: K }>;

export const FlowSchema = z.strictObject({
  id: slug,
  description: z.string().optional(),
  /** What finishing the flow does: file the complaint, look a code up, nothing (menus), rate the
   * agency's answer, or add the citizen's message to a complaint's thread. */
  onComplete: z.enum(['submit', 'lookup', 'none', 'feedback', 'reply']),
  steps: z.array(StepSchema).min(1),
});
export type Flow = z.infer<typeof FlowSchema>;

export const CommandsSchema = z.strictObject({
  commands: z.strictObject({
    cancel: z.array(z.string().min(1)).min(1),
    back: z.array(z.string().min(1)).min(1),
    help: z.array(z.string().min(1)).min(1),
    language: z.array(z.string().min(1)).min(1),
    menu: z.array(z.string().min(1)).min(1),
    report: z.array(z.string().min(1)).min(1),
    status: z.array(z.string().min(1)).min(1),
    rate: z.array(z.string().min(1)).min(1),
    reply: z.array(z.string().min(1)).min(1),
  }),
  /** Words that end a media step or skip an optional one. */
  done: z.array(z.string().min(1)).min(1),
  yes: z.array(z.string().min(1)).min(1),
  no: z.array(z.string().min(1)).min(1),
});
export type Commands = z.infer<typeof CommandsSchema>;

export const TextsSchema = z.strictObject({ texts: z.record(z.string(), LocalTextSchema) });
