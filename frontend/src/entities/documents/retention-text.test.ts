import { describe, expect, it } from 'vitest';

import { retentionText } from './retention-text';

describe('retentionText', () => {
  it('says permanent, pending an event, or the date', () => {
    expect(retentionText({ retention_until: null, retain_permanently: true })).toBe('Permanently');
    expect(
      retentionText({
        retention_until: null,
        retain_permanently: false,
        retention_basis: 'PENDING_EVENT',
      }),
    ).toBe('Pending event');
    expect(
      retentionText({
        retention_until: '2031-01-31',
        retain_permanently: false,
        retention_basis: 'RULE',
      }),
    ).toBe('31 Jan 2031');
  });
});
