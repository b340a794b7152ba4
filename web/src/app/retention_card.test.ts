import { describe, expect, it } from 'vitest';
import { retentionDaysFromText } from './retention_card';

describe('retentionDaysFromText', () => {
  it.each([
    ['', { days: null }],
    ['  ', { days: null }],
    ['30', { days: 30 }],
    [' 365 ', { days: 365 }],
    ['0', { days: null, error: 'between 1 and 36500 days' }],
    ['36501', { days: null, error: 'between 1 and 36500 days' }],
    ['1.5', { days: null, error: 'a whole number of days' }],
    ['a week', { days: null, error: 'a whole number of days' }],
  ])('%j', (text, want) => expect(retentionDaysFromText(text)).toEqual(want));
});
