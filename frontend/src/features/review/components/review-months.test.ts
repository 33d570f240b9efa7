import { describe, expect, it } from 'vitest';

import { endedMonths } from './review-months';

describe('endedMonths', () => {
  it('lists the calendar months ended before today, newest first, across a year end', () => {
    expect(endedMonths(new Date(2026, 0, 15), 3)).toEqual(['2025-12', '2025-11', '2025-10']);
    expect(endedMonths(new Date(2026, 11, 1), 1)).toEqual(['2026-11']);
  });
});
