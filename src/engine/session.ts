/**
 * What the engine remembers of one chat between messages. Stored as JSON in
 * ConversationSession.state and parsed again on load: the database is a boundary too.
 */
import { z } from 'zod';
import { LANGUAGES, type Language } from '../domain/index.js';

const MediaRefSchema = z.object({
  attachmentId: z.string(),
  kind: z.enum(['photo', 'document', 'voice', 'video']),
  mimeType: z.string(),
  sizeBytes: z.number(),
  name: z.string().optional(),
});

export const AnswerSchema = z.discriminatedUnion('kind', [
  /** value is what the form stores (a type, a category id); null for "I don't know". */
  z.object({ kind: z.literal('choice'), optionId: z.string(), value: z.string().nullable() }),
  z.object({ kind: z.literal('text'), text: z.string() }),
  z.object({ kind: z.literal('date'), date: z.iso.date() }),
  z.object({
    kind: z.literal('location'),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
    address: z.string().nullable(),
    regionCode: z.string().nullable(),
  }),
  z.object({ kind: z.literal('media'), items: z.array(MediaRefSchema) }),
  z.object({ kind: z.literal('yesno'), value: z.boolean() }),
  z.object({ kind: z.literal('code'), code: z.string() }),
]);
export type Answer = z.infer<typeof AnswerSchema>;

export const SessionStateSchema = z.object({
  /** null: no flow running; the next message opens the menu. */
  flowId: z.string().nullable(),
  stepId: z.string().nullable(),
  answers: z.record(z.string(), AnswerSchema),
  /** Steps answered on the way here, for "kembali". */
  history: z.array(z.string()),
  /** Answering a step chosen from the summary's "change" list: return to the summary afterwards. */
  editing: z.boolean(),
  /** At the summary, choosing which answer to change. */
  picking: z.boolean(),
  language: z.enum(LANGUAGES),
  lastActiveAt: z.iso.datetime(),
  /** The complaint a feedback or reply flow is about. */
  complaintCode: z.string().nullable().default(null),
});
export type SessionState = z.infer<typeof SessionStateSchema>;

export function idleState(language: Language, now: Date): SessionState {
  return { flowId: null, stepId: null, answers: {}, history: [], editing: false, picking: false, language, lastActiveAt: now.toISOString(), complaintCode: null };
}
