import { describe, expect, it } from 'vitest';

import type { Schemas } from '@/lib/api/types';

import { newScanKey, openFindings, resultCounts, shelfFromParams } from './audit-logic';

type Result = Schemas['InventoryResult'];

function row(overrides: Partial<Result>): Result {
  return {
    code: 'C',
    crate_id: 1,
    finding_id: null,
    result: 'FOUND',
    expected_shelf: null,
    found_shelf: null,
    recorded_status: '',
    resolution: '',
    note: '',
    resolved_at: null,
    resolved_by_name: null,
    allowed_actions: [],
    ...overrides,
  };
}

describe('audit logic', () => {
  it('counts results in the order the screens list them, leaving out empty ones', () => {
    expect(
      resultCounts([
        row({ result: 'FOUND' }),
        row({ result: 'MISSING' }),
        row({ result: 'FOUND' }),
        row({ result: 'UNKNOWN' }),
      ]),
    ).toEqual([
      ['MISSING', 1],
      ['UNKNOWN', 1],
      ['FOUND', 2],
    ]);
  });

  it('lists as open only frozen discrepancies not yet reconciled', () => {
    const open = row({ finding_id: 3, result: 'MISSING', allowed_actions: ['EXPLAIN'] });
    expect(
      openFindings([
        open,
        row({ finding_id: 4, result: 'MISSING', resolution: 'EXPLAINED', allowed_actions: [] }),
        row({ finding_id: null, result: 'PENDING' }),
        row({ finding_id: 5, result: 'FOUND' }),
      ]),
    ).toEqual([open]);
  });

  it('takes the shelf from the address only when it is a shelf of the audit', () => {
    const audit = { shelves: [{ shelf_id: 7 }] } as Pick<
      Schemas['InventoryAuditDetail'],
      'shelves'
    >;
    expect(shelfFromParams(new URLSearchParams('shelf=7'), audit)).toBe(7);
    expect(shelfFromParams(new URLSearchParams('shelf=8'), audit)).toBeNull();
    expect(shelfFromParams(new URLSearchParams(''), audit)).toBeNull();
  });

  it('makes a different key for every scan', () => {
    expect(newScanKey()).not.toBe(newScanKey());
  });
});
