/**
 * The complaint lifecycle: which action may happen in which status, and where it leads. The one
 * place the allowed transitions live (DOMAIN.md "Lifecycle"); services ask `decideTransition` and
 * refuse what it refuses, changing nothing.
 */
import type { ComplaintStatus } from './complaint.js';

export const OFFICER_ACTIONS = [
  'forward', // verifikasi + disposisi: to an agency or unit, with optional copies
  'hold', // tunda: ask the citizen for more information; the clocks pause
  'not_authority', // bukan wewenang: back to the coordinator (or to a named agency), history kept
  'archive', // arsip: spam, abuse, out of scope; the citizen sees the reason
  'claim', // ambil: the officer takes it
  'start', // proses: in progress
  'answer', // tindak lanjut: the agency's answer to the citizen
  'note', // catatan: internal, never sent to the citizen
  'resolve', // answer and propose it as resolved: the citizen is asked to confirm and rate
  'close', // selesai: closed by the agency after the follow-up
  'merge', // gabung: this complaint continues in another one
] as const;
export type OfficerAction = (typeof OFFICER_ACTIONS)[number];

export const CITIZEN_ACTIONS = ['reply', 'confirm', 'reopen'] as const;
export type CitizenAction = (typeof CITIZEN_ACTIONS)[number];
export type SystemAction = 'auto_close';
export type Action = OfficerAction | CitizenAction | SystemAction;

const OPEN: readonly ComplaintStatus[] = ['SUBMITTED', 'ON_HOLD', 'FORWARDED', 'IN_PROGRESS', 'FOLLOWED_UP', 'CITIZEN_REPLIED'];
const WORKING: readonly ComplaintStatus[] = ['FORWARDED', 'IN_PROGRESS', 'CITIZEN_REPLIED'];

/** From which statuses an action is allowed. */
const ALLOWED_FROM: Record<Action, readonly ComplaintStatus[]> = {
  forward: ['SUBMITTED', 'FORWARDED', 'IN_PROGRESS', 'CITIZEN_REPLIED'],
  hold: ['SUBMITTED', ...WORKING],
  not_authority: WORKING,
  archive: ['SUBMITTED', 'ON_HOLD', 'FORWARDED'],
  claim: WORKING,
  start: ['FORWARDED', 'CITIZEN_REPLIED'],
  answer: WORKING,
  note: OPEN,
  resolve: WORKING,
  // The agency closes after its follow-up, never before the citizen got an answer.
  close: ['FOLLOWED_UP', 'CITIZEN_REPLIED'],
  merge: OPEN,
  reply: ['ON_HOLD', 'FOLLOWED_UP', 'FORWARDED', 'IN_PROGRESS', 'CITIZEN_REPLIED', 'SUBMITTED'],
  // A verdict counts while the answer is the last word (or the citizen has added to it); a done
  // complaint stays done: a problem that comes back is a new report.
  confirm: ['FOLLOWED_UP', 'CITIZEN_REPLIED'],
  reopen: ['FOLLOWED_UP', 'CITIZEN_REPLIED'],
  auto_close: ['FOLLOWED_UP'],
};

export type Transition =
  | { ok: true; to: ComplaintStatus }
  | { ok: false; reason: 'not_allowed'; from: ComplaintStatus; action: Action };

/**
 * Where `action` takes a complaint in `from`. `holdReturn` is the status a hold resumes to;
 * `notAuthorityTarget` says whether the officer named another agency (forwarded there) or not
 * (back to the coordinator for verification).
 */
export function decideTransition(
  from: ComplaintStatus,
  action: Action,
  options: { holdReturn?: ComplaintStatus | null; toAgency?: boolean } = {},
): Transition {
  if (!ALLOWED_FROM[action].includes(from)) return { ok: false, reason: 'not_allowed', from, action };
  switch (action) {
    case 'forward':
      return { ok: true, to: 'FORWARDED' };
    case 'hold':
      return { ok: true, to: 'ON_HOLD' };
    case 'not_authority':
      return { ok: true, to: options.toAgency ? 'FORWARDED' : 'SUBMITTED' };
    case 'archive':
      return { ok: true, to: 'ARCHIVED' };
    case 'claim':
    case 'note':
      return { ok: true, to: from };
    case 'start':
      return { ok: true, to: 'IN_PROGRESS' };
    case 'answer':
    case 'resolve':
      return { ok: true, to: 'FOLLOWED_UP' };
    case 'close':
    case 'confirm':
    case 'auto_close':
    case 'merge':
      return { ok: true, to: 'DONE' };
    case 'reply':
      if (from === 'ON_HOLD') return { ok: true, to: options.holdReturn ?? 'SUBMITTED' };
      if (from === 'FOLLOWED_UP') return { ok: true, to: 'CITIZEN_REPLIED' };
      return { ok: true, to: from };
    case 'reopen':
      return { ok: true, to: 'CITIZEN_REPLIED' };
  }
}

export function isOpen(status: ComplaintStatus): boolean {
  return OPEN.includes(status);
}
