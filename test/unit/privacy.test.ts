import { describe, expect, it } from 'vitest';
import { decideLookupVisibility } from '../../src/domain/index.js';

describe('decideLookupVisibility', () => {
  it.each([
    { who: 'the reporter', isReporter: true, confidential: false, showTitle: true, showContent: true, showHistory: true },
    { who: 'the reporter', isReporter: true, confidential: true, showTitle: true, showContent: true, showHistory: true },
    { who: 'a stranger', isReporter: false, confidential: false, showTitle: true, showContent: false, showHistory: false },
    { who: 'a stranger', isReporter: false, confidential: true, showTitle: false, showContent: false, showHistory: false },
  ])('$who, rahasia=$confidential: title $showTitle, content $showContent, history $showHistory', ({ isReporter, confidential, ...expected }) => {
    const { who: _who, ...visibility } = expected;
    expect(decideLookupVisibility({ confidential }, { isReporter })).toEqual(visibility);
  });
});
