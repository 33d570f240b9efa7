import { describe, expect, it } from 'vitest';

import { filtersFromParams, paramsFromFilters } from './request-filters';

describe('request filters in the URL', () => {
  it('round-trips every filter', () => {
    const filters = {
      type: 'WITHDRAWAL' as const,
      status: ['SUBMITTED' as const, 'APPROVED' as const],
      mine: true,
      waiting_for_me: true,
      overdue: true,
      search: 'REQ-2026',
    };
    expect(filtersFromParams(paramsFromFilters(filters))).toEqual(filters);
  });

  it('ignores unknown values', () => {
    const filters = filtersFromParams(new URLSearchParams('type=BOGUS&status=NOPE&mine=yes'));
    expect(filters).toEqual({
      type: undefined,
      status: undefined,
      mine: undefined,
      waiting_for_me: undefined,
      overdue: undefined,
      search: undefined,
    });
  });
});
