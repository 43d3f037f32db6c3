/**
 * How a session state is stored: a compact JSON array instead of the object the engine works with.
 * Every message saves its chat's state, so its size is paid on every save (the statement, the row,
 * the write-ahead log) and by every open form at rest; the object form spent most of its bytes on
 * key names ("kind", "optionId", …) and repeated what the row's own columns hold.
 *
 *   [2, flowId, stepId, answers, history, flags, complaintCode]
 *
 * - `2` is the format (the object form, still read, counts as 1);
 * - `answers` maps step ids to answers: a text is a plain string, a yes/no a plain boolean, and the
 *   others are arrays led by a one-letter tag: ["c", optionId, value], ["d", date],
 *   ["l", latitude, longitude, address, regionCode], ["m", [[attachmentId, kind, mimeType, sizeBytes, name?], …]],
 *   ["k", code];
 * - `flags`: 1 editing, 2 picking.
 *
 * The language and the time of the last activity are not in it: the row's `language` and
 * `updatedAt` columns are written from them in the same statement, and decoding takes them from there.
 */
import type { Language } from '../domain/index.js';
import { SessionStateSchema, type Answer, type SessionState } from './session.js';

const FORMAT = 2;
const EDITING = 1;
const PICKING = 2;

type MediaItem = Extract<Answer, { kind: 'media' }>['items'][number];
type StoredMediaItem = [attachmentId: string, kind: MediaItem['kind'], mimeType: string, sizeBytes: number, name?: string];
type StoredAnswer =
  | string
  | boolean
  | ['c', optionId: string, value: string | null]
  | ['d', date: string]
  | ['l', latitude: number | null, longitude: number | null, address: string | null, regionCode: string | null]
  | ['m', items: StoredMediaItem[]]
  | ['k', code: string];

function encodeAnswer(answer: Answer): StoredAnswer {
  switch (answer.kind) {
    case 'text':
      return answer.text;
    case 'yesno':
      return answer.value;
    case 'choice':
      return ['c', answer.optionId, answer.value];
    case 'date':
      return ['d', answer.date];
    case 'location':
      return ['l', answer.latitude, answer.longitude, answer.address, answer.regionCode];
    case 'media':
      return ['m', answer.items.map(encodeMediaItem)];
    case 'code':
      return ['k', answer.code];
  }
}

function encodeMediaItem({ attachmentId, kind, mimeType, sizeBytes, name }: MediaItem): StoredMediaItem {
  return name === undefined ? [attachmentId, kind, mimeType, sizeBytes] : [attachmentId, kind, mimeType, sizeBytes, name];
}

/** The JSON text stored for `state` (its language and last activity go to their own columns). */
export function encodeSessionState(state: SessionState): string {
  const answers: Record<string, StoredAnswer> = {};
  for (const [stepId, answer] of Object.entries(state.answers)) answers[stepId] = encodeAnswer(answer);
  const flags = (state.editing ? EDITING : 0) | (state.picking ? PICKING : 0);
  return JSON.stringify([FORMAT, state.flowId, state.stepId, answers, state.history, flags, state.complaintCode]);
}

/** The object form of one stored answer, for the schema to check (anything unknown stays as it is and fails there). */
function decodeAnswer(stored: unknown): unknown {
  if (typeof stored === 'string') return { kind: 'text', text: stored };
  if (typeof stored === 'boolean') return { kind: 'yesno', value: stored };
  if (!isList(stored)) return stored;
  const [tag, ...rest] = stored;
  switch (tag) {
    case 'c':
      return { kind: 'choice', optionId: rest[0], value: rest[1] };
    case 'd':
      return { kind: 'date', date: rest[0] };
    case 'l':
      return { kind: 'location', latitude: rest[0], longitude: rest[1], address: rest[2], regionCode: rest[3] };
    case 'm':
      return { kind: 'media', items: isList(rest[0]) ? rest[0].map(decodeMediaItem) : rest[0] };
    case 'k':
      return { kind: 'code', code: rest[0] };
    default:
      return stored;
  }
}

/** Array.isArray, typed for values read from JSON (its own guard says any[]). */
function isList(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function decodeMediaItem(item: unknown): unknown {
  if (!isList(item)) return item;
  const [attachmentId, kind, mimeType, sizeBytes, name] = item;
  return { attachmentId, kind, mimeType, sizeBytes, ...(name === undefined ? {} : { name }) };
}

/**
 * The state stored in a row (either format), checked by SessionStateSchema; null when it does not
 * pass (a state of an older flow version, or damaged), which the caller treats as no form open.
 */
export function decodeSessionState(stored: unknown, row: { language: Language; updatedAt: Date }): SessionState | null {
  const lastActiveAt = row.updatedAt.toISOString();
  let candidate: unknown = stored;
  if (isList(stored) && stored[0] === FORMAT) {
    const [, flowId, stepId, answers, history, flags, complaintCode] = stored;
    const bits = typeof flags === 'number' ? flags : 0;
    candidate = {
      flowId,
      stepId,
      // Anything but an object is left for the schema to refuse.
      answers: isRecord(answers) ? Object.fromEntries(Object.entries(answers).map(([id, answer]) => [id, decodeAnswer(answer)])) : answers,
      history,
      editing: (bits & EDITING) !== 0,
      picking: (bits & PICKING) !== 0,
      language: row.language,
      lastActiveAt,
      complaintCode,
    };
  }
  const parsed = SessionStateSchema.safeParse(candidate);
  return parsed.success ? parsed.data : null;
}
