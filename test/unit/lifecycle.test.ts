/**
 * The complaint lifecycle as a specification: every (status × action) pair of decideTransition.
 * The matrix below is written out by hand from DOMAIN.md "Lifecycle"; a change to the allowed
 * transitions in src/domain/lifecycle.ts must change this table too, on purpose.
 */
import { describe, expect, it } from 'vitest';
import {
  CITIZEN_ACTIONS,
  COMPLAINT_STATUSES,
  OFFICER_ACTIONS,
  decideTransition,
  isOpen,
  type Action,
  type ComplaintStatus,
} from '../../src/domain/index.js';

const SUB = 'SUBMITTED';
const HLD = 'ON_HOLD';
const FWD = 'FORWARDED';
const INP = 'IN_PROGRESS';
const FUP = 'FOLLOWED_UP';
const REP = 'CITIZEN_REPLIED';
const DON = 'DONE';
const ARC = 'ARCHIVED';
/** Forbidden: { ok: false, reason: 'not_allowed' }. */
const ___ = null;

type Cell = ComplaintStatus | null;

/** Column order of the matrix. */
const ACTIONS = [
  'forward', 'hold', 'not_authority', 'archive', 'claim', 'start', 'answer', 'note', 'resolve', 'close', 'merge',
  'reply', 'confirm', 'reopen', 'auto_close',
] as const satisfies readonly Action[];
/** One cell per action, in column order (a homomorphic mapped type keeps the tuple's length). */
type CellsFor<T extends readonly unknown[]> = { [K in keyof T]: Cell };
type Row = CellsFor<typeof ACTIONS>;

/**
 * Target status of each action from each status, with no options (not_authority without a named
 * agency goes back to the koordinator: SUBMITTED; a reply to a hold without holdReturn: SUBMITTED).
 * ⚠ marks cells that look doubtful against SP4N-LAPOR! (see the report / comments at the end).
 */
const MATRIX: Record<ComplaintStatus, Row> = {
  //               forward hold not_auth archive claim start answer note resolve close  merge reply confirm reopen auto_close
  SUBMITTED:       [FWD,   HLD, ___,     ARC,    ___,  ___,  ___,   SUB, ___,    ___,   DON,  SUB,  ___,    ___,   ___],
  ON_HOLD:         [___,   ___, ___,     ARC,    ___,  ___,  ___,   HLD, ___,    ___,   DON,  SUB,  ___,    ___,   ___],
  FORWARDED:       [FWD,   HLD, SUB,     ARC,    FWD,  INP,  FUP,   FWD, FUP,    ___,   DON,  FWD,  ___,    ___,   ___],
  IN_PROGRESS:     [FWD,   HLD, SUB,     ___,    INP,  ___,  FUP,   INP, FUP,    ___,   DON,  INP,  ___,    ___,   ___],
  FOLLOWED_UP:     [___,   ___, ___,     ___,    ___,  ___,  ___,   FUP, ___,    DON,   DON,  REP,  DON,    REP,   DON],
  CITIZEN_REPLIED: [FWD,   HLD, SUB,     ___,    REP,  INP,  FUP,   REP, FUP,    DON,   DON,  REP,  DON,    REP,   ___],
  DONE:            [___,   ___, ___,     ___,    ___,  ___,  ___,   ___, ___,    ___,   ___,  ___,  ___,    ___,   ___],
  ARCHIVED:        [___,   ___, ___,     ___,    ___,  ___,  ___,   ___, ___,    ___,   ___,  ___,  ___,    ___,   ___],
};

const cases = COMPLAINT_STATUSES.flatMap((from) => ACTIONS.map((action, i) => [from, action, MATRIX[from][i] ?? null] as const));

describe('decideTransition: the full matrix', () => {
  it('the columns are exactly the officer, citizen and system actions', () => {
    expect([...ACTIONS].sort()).toEqual([...OFFICER_ACTIONS, ...CITIZEN_ACTIONS, 'auto_close'].sort());
    expect(cases).toHaveLength(COMPLAINT_STATUSES.length * ACTIONS.length);
  });

  it.each(cases.filter(([, , to]) => to !== null))('%s + %s → %s', (from, action, to) => {
    expect(decideTransition(from, action)).toEqual({ ok: true, to });
  });

  it.each(cases.filter(([, , to]) => to === null))('%s + %s is not allowed', (from, action) => {
    expect(decideTransition(from, action)).toEqual({ ok: false, reason: 'not_allowed', from, action });
  });

  it('counts: 50 allowed pairs, 70 forbidden', () => {
    expect(cases.filter(([, , to]) => to !== null)).toHaveLength(50);
  });

  it('nothing at all is allowed on an archived or a done complaint', () => {
    expect(ACTIONS.filter((a) => decideTransition('ARCHIVED', a).ok)).toEqual([]);
    expect(ACTIONS.filter((a) => decideTransition('DONE', a).ok)).toEqual([]);
  });
});

describe('hold and the reply that resumes it', () => {
  it.each<[ComplaintStatus]>([[SUB], [FWD], [INP], [REP]])('a hold taken in %s resumes there on the citizen reply', (holdReturn) => {
    expect(decideTransition(holdReturn, 'hold')).toEqual({ ok: true, to: 'ON_HOLD' });
    expect(decideTransition('ON_HOLD', 'reply', { holdReturn })).toEqual({ ok: true, to: holdReturn });
  });

  it.each<[string, { holdReturn?: ComplaintStatus | null }]>([
    ['no options', {}],
    ['holdReturn null', { holdReturn: null }],
  ])('without a remembered status (%s) the reply goes back to verification', (_what, options) => {
    expect(decideTransition('ON_HOLD', 'reply', options)).toEqual({ ok: true, to: 'SUBMITTED' });
  });

  it.each<[ComplaintStatus]>([[SUB], [FWD], [INP], [FUP], [REP]])('holdReturn is ignored for a reply in %s', (from) => {
    const expected = from === 'FOLLOWED_UP' ? 'CITIZEN_REPLIED' : from;
    expect(decideTransition(from, 'reply', { holdReturn: 'IN_PROGRESS' })).toEqual({ ok: true, to: expected });
  });

  it('a reply to the agency answer hands the thread back to the agency', () => {
    expect(decideTransition('FOLLOWED_UP', 'reply')).toEqual({ ok: true, to: 'CITIZEN_REPLIED' });
  });

  it.each<[ComplaintStatus]>([[DON], [ARC]])('a reply to a closed complaint (%s) is refused', (from) => {
    expect(decideTransition(from, 'reply', { holdReturn: 'FORWARDED' })).toMatchObject({ ok: false, reason: 'not_allowed' });
  });
});

describe('not_authority (bukan wewenang)', () => {
  it.each<[ComplaintStatus, boolean | undefined, ComplaintStatus]>([
    [FWD, true, FWD],
    [FWD, false, SUB],
    [FWD, undefined, SUB],
    [INP, true, FWD],
    [INP, false, SUB],
    [REP, true, FWD],
    [REP, false, SUB],
  ])('from %s with toAgency=%s → %s', (from, toAgency, to) => {
    expect(decideTransition(from, 'not_authority', toAgency === undefined ? {} : { toAgency })).toEqual({ ok: true, to });
  });

  it.each<[ComplaintStatus]>([[SUB], [HLD], [FUP], [DON], [ARC]])('is refused in %s even when an agency is named', (from) => {
    expect(decideTransition(from, 'not_authority', { toAgency: true })).toEqual({ ok: false, reason: 'not_allowed', from, action: 'not_authority' });
  });
});

describe('isOpen', () => {
  it.each<[ComplaintStatus, boolean]>([
    [SUB, true],
    [HLD, true],
    [FWD, true],
    [INP, true],
    [FUP, true],
    [REP, true],
    [DON, false],
    [ARC, false],
  ])('%s → %s', (status, open) => {
    expect(isOpen(status)).toBe(open);
  });

  it('note (internal) is allowed exactly in the open statuses', () => {
    for (const status of COMPLAINT_STATUSES) expect(decideTransition(status, 'note').ok).toBe(isOpen(status));
  });
});

/*
 * Decisions behind some cells (DOMAIN.md "Lifecycle"):
 * - close only after the follow-up (FOLLOWED_UP, or CITIZEN_REPLIED, which records NOT_RESOLVED):
 *   never before the citizen got an answer.
 * - confirm / reopen also from CITIZEN_REPLIED: a citizen who added a message after the answer can
 *   still give their verdict.
 * - nothing reopens a DONE complaint (merged ones included): a problem that returns is a new report.
 */
