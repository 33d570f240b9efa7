import { describe, expect, it } from 'vitest';

import type { Location } from '@/lib/api/types';
import { makeActions, makeRequest } from '@/test/fixtures';

import { destructionBlocker, transferBlocker } from './crate-eligibility';
import { correctionsOf, correctionValuesOf, mayCorrect } from './request-corrections';
import { shelfOptions } from './shelf-options';

const crate = {
  status: 'IN_STORAGE' as const,
  legal_hold: false,
  retain_permanently: false,
  destroy_after: '2026-01-31',
};

describe('which crates a transfer or destruction may be raised for', () => {
  it('transfers only crates in storage', () => {
    expect(transferBlocker({ status: 'IN_STORAGE' })).toBeNull();
    expect(transferBlocker({ status: 'ISSUED' })).toMatch(/in storage/);
  });

  it('destroys only crates in storage, past retention, not held, not permanent', () => {
    expect(destructionBlocker(crate, '2026-01-31')).toBeNull();
    expect(destructionBlocker(crate, '2026-01-30')).toBe('Must be kept until 2026-01-31.');
    expect(destructionBlocker({ ...crate, legal_hold: true }, '2026-12-01')).toMatch(/legal hold/);
    expect(
      destructionBlocker({ ...crate, retain_permanently: true, destroy_after: null }, '2026-12-01'),
    ).toBe('Retained permanently.');
    expect(destructionBlocker({ ...crate, status: 'DESTROYED' }, '2026-12-01')).toMatch(
      /in storage/,
    );
  });
});

describe('target shelves', () => {
  const shelf = (id: number, unit: string, code: string, free: number) =>
    ({ id, unit_code: unit, full_code: `${unit}/${code}`, free }) as Location;

  it('groups by unit and offers neither the current shelf nor a full one', () => {
    const groups = shelfOptions(
      [
        shelf(1, 'GOA1', 'R01/K01/S1', 3),
        shelf(2, 'GOA1', 'R01/K01/S2', 0),
        shelf(3, 'MUM1', 'R01/K01/S1', 6),
      ],
      1,
    );
    expect(groups.map((group) => group.group)).toEqual(['GOA1', 'MUM1']);
    expect(groups[0]?.items).toEqual([
      { value: '1', label: 'GOA1/R01/K01/S1 (where it stands now)', disabled: true },
      { value: '2', label: 'GOA1/R01/K01/S2 (0 free)', disabled: true },
    ]);
    expect(groups[1]?.items[0]?.disabled).toBe(false);
  });
});

describe('correcting a sent-back request', () => {
  const sentBack = makeRequest({
    status: 'SENT_BACK',
    requester: 2,
    documents: [
      { id: 12, number: 'D-12', title: 'b' },
      { id: 11, number: 'D-11', title: 'a' },
    ],
  });

  it('is open when the API offers the caller "resubmit", and only then', () => {
    expect(mayCorrect({ available_actions: makeActions('cancel', 'resubmit') })).toBe(true);
    expect(mayCorrect({ available_actions: makeActions('cancel') })).toBe(false);
    expect(mayCorrect(sentBack)).toBe(false);
  });

  it('sends only what changed, or nothing', () => {
    const values = correctionValuesOf(sentBack);
    expect(values.documentIds).toEqual([11, 12]);
    expect(correctionsOf(sentBack, values)).toBeNull();
    expect(
      correctionsOf(sentBack, {
        ...values,
        purpose: '  Audit of line 3 ',
        expectedReturnOn: '2026-12-15',
        documentIds: [],
      }),
    ).toEqual({ purpose: 'Audit of line 3', expected_return_on: '2026-12-15', documents: [] });
  });

  it('changes a transfer target but never a withdrawal field of another type', () => {
    const transfer = makeRequest({
      type: 'TRANSFER',
      target_location: 5,
      expected_return_on: null,
    });
    const values = correctionValuesOf(transfer);
    expect(correctionsOf(transfer, { ...values, targetLocation: 9 })).toEqual({
      target_location: 9,
    });
    expect(correctionsOf(transfer, { ...values, expectedReturnOn: '2027-01-01' })).toBeNull();
  });
});
