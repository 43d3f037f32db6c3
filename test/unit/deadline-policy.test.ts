/** The SP4N-LAPOR! clocks as data: which run in which status, and how many working days each has. */
import { describe, expect, it } from 'vitest';
import {
  COMPLAINT_STATUSES,
  DEADLINE_KINDS,
  DEFAULT_POLICY,
  clockDays,
  runningClocks,
  type ComplaintStatus,
  type DeadlineKind,
  type DeadlinePolicy,
  type ResolutionTier,
} from '../../src/domain/index.js';

describe('runningClocks', () => {
  const table: [ComplaintStatus, DeadlineKind[]][] = [
    ['SUBMITTED', ['VERIFY']],
    ['ON_HOLD', []], // a hold pauses every clock
    ['FORWARDED', ['FIRST_ANSWER', 'RESOLUTION']],
    ['IN_PROGRESS', ['FIRST_ANSWER', 'RESOLUTION']],
    ['FOLLOWED_UP', ['RESOLUTION', 'AUTO_CLOSE']],
    ['CITIZEN_REPLIED', ['FIRST_ANSWER', 'RESOLUTION']],
    ['DONE', []],
    ['ARCHIVED', []],
  ];

  it('covers every status', () => {
    expect(table.map(([s]) => s)).toEqual([...COMPLAINT_STATUSES]);
  });

  it.each(table)('%s → %j', (status, clocks) => {
    expect(runningClocks(status)).toEqual(clocks);
  });

  it.each<[DeadlineKind, ComplaintStatus[]]>([
    ['VERIFY', ['SUBMITTED']],
    ['FIRST_ANSWER', ['FORWARDED', 'IN_PROGRESS', 'CITIZEN_REPLIED']],
    ['RESOLUTION', ['FORWARDED', 'IN_PROGRESS', 'FOLLOWED_UP', 'CITIZEN_REPLIED']],
    ['AUTO_CLOSE', ['FOLLOWED_UP']],
  ])('%s runs only in %j', (kind, statuses) => {
    expect(COMPLAINT_STATUSES.filter((s) => runningClocks(s).includes(kind))).toEqual(statuses);
  });

  it('returns a fresh array each call (callers may not corrupt the policy)', () => {
    const first = runningClocks('FORWARDED');
    first.push('VERIFY');
    expect(runningClocks('FORWARDED')).toEqual(['FIRST_ANSWER', 'RESOLUTION']);
  });
});

describe('DEFAULT_POLICY (DOMAIN.md "Deadlines")', () => {
  it('verification 3, first answer 5, auto-close 10; resolution 5 / 14 / 60; reminder 1 day before', () => {
    expect(DEFAULT_POLICY).toEqual({
      verifyDays: 3,
      firstAnswerDays: 5,
      autoCloseDays: 10,
      resolutionDays: { SIMPLE: 5, DISPUTE: 14, FIELD_CHECK: 60 },
      reminderDaysBefore: 1,
    });
  });
});

describe('clockDays', () => {
  const tiers: ResolutionTier[] = ['SIMPLE', 'DISPUTE', 'FIELD_CHECK'];
  const expected: Record<DeadlineKind, Record<ResolutionTier, number>> = {
    VERIFY: { SIMPLE: 3, DISPUTE: 3, FIELD_CHECK: 3 },
    FIRST_ANSWER: { SIMPLE: 5, DISPUTE: 5, FIELD_CHECK: 5 },
    RESOLUTION: { SIMPLE: 5, DISPUTE: 14, FIELD_CHECK: 60 },
    AUTO_CLOSE: { SIMPLE: 10, DISPUTE: 10, FIELD_CHECK: 10 },
  };
  const table = DEADLINE_KINDS.flatMap((kind) => tiers.map((tier) => [kind, tier, expected[kind][tier]] as const));

  it.each(table)('default policy: %s for a %s complaint → %i working days', (kind, tier, days) => {
    expect(clockDays(kind, tier, DEFAULT_POLICY)).toBe(days);
  });

  const custom: DeadlinePolicy = {
    verifyDays: 2,
    firstAnswerDays: 4,
    autoCloseDays: 7,
    resolutionDays: { SIMPLE: 6, DISPUTE: 20, FIELD_CHECK: 45 },
    reminderDaysBefore: 2,
  };
  it.each<[DeadlineKind, ResolutionTier, number]>([
    ['VERIFY', 'FIELD_CHECK', 2],
    ['FIRST_ANSWER', 'DISPUTE', 4],
    ['AUTO_CLOSE', 'SIMPLE', 7],
    ['RESOLUTION', 'SIMPLE', 6],
    ['RESOLUTION', 'DISPUTE', 20],
    ['RESOLUTION', 'FIELD_CHECK', 45],
  ])('reads a configured policy: %s / %s → %i', (kind, tier, days) => {
    expect(clockDays(kind, tier, custom)).toBe(days);
  });
});
