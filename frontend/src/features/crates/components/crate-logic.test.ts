import { describe, expect, it } from 'vitest';

import { ApiError } from '@/lib/api-client';
import { makeMe } from '@/test/fixtures';

import { crateActions, PLACE_HOLD, RELEASE_HOLD } from './crate-actions';
import { crateFiltersFromParams, paramsFromCrateFilters } from './crate-filters';
import { historyChanges, historyTitle } from './crate-history';
import { cameraErrorMessage, scanProblem } from './scan-errors';

const HOLDER = ['records.view_crate', 'records.place_legal_hold', 'records.print_label'];

describe('crate filters in the URL', () => {
  it('round-trip and drop what the server would refuse', () => {
    const params = new URLSearchParams(
      'search=%20autoclave%20&status=IN_STORAGE&status=BOGUS&unit=2&legal_hold=true&destroy_after_to=2026-12-31&location=x',
    );
    const filters = crateFiltersFromParams(params);
    expect(filters).toEqual({
      search: 'autoclave',
      status: ['IN_STORAGE'],
      unit: 2,
      location: undefined,
      legal_hold: true,
      destroy_after_to: '2026-12-31',
    });
    expect(crateFiltersFromParams(paramsFromCrateFilters(filters))).toEqual(filters);
    expect(crateFiltersFromParams(new URLSearchParams('destroy_after_to=31/12/2026'))).toEqual(
      expect.objectContaining({ destroy_after_to: undefined }),
    );
  });
});

describe('crate actions by role', () => {
  it('offers a viewer nothing', () => {
    const viewer = makeMe({ permissions: ['records.view_crate'] });
    expect(crateActions(viewer, { status: 'IN_STORAGE', legal_hold: false })).toEqual({
      printLabel: false,
      hold: null,
    });
  });

  it('offers placing or releasing a hold, never on a destroyed crate', () => {
    const admin = makeMe({ permissions: HOLDER });
    expect(crateActions(admin, { status: 'IN_STORAGE', legal_hold: false }).hold).toBe(PLACE_HOLD);
    expect(crateActions(admin, { status: 'ISSUED', legal_hold: true }).hold).toBe(RELEASE_HOLD);
    expect(crateActions(admin, { status: 'DESTROYED', legal_hold: false })).toEqual({
      printLabel: false,
      hold: null,
    });
  });

  it('lets a label printer print without holding', () => {
    const manager = makeMe({ permissions: ['records.view_crate', 'records.print_label'] });
    expect(crateActions(manager, { status: 'PENDING', legal_hold: false })).toEqual({
      printLabel: true,
      hold: null,
    });
  });
});

describe('crate history', () => {
  it('names actions and signatures in words', () => {
    expect(historyTitle({ action: 'crate.hold_place', changes: {} })).toBe('Legal hold placed');
    expect(historyTitle({ action: 'request.send_back', changes: {} })).toBe('Request sent back');
    expect(
      historyTitle({ action: 'signature.sign', changes: { meaning: [null, 'HOLD_PLACED'] } }),
    ).toBe('Signed: Hold placed');
    expect(historyTitle({ action: 'location.bulk_create', changes: null })).toBe(
      'Location: bulk create',
    );
  });

  it('shows the changes a reader cares about', () => {
    expect(
      historyChanges({
        changes: {
          status: ['APPROVED', 'COMPLETED'],
          crate_status: ['PENDING', 'IN_STORAGE'],
          legal_hold: [false, true],
          version: [1, 2],
        },
      }),
    ).toEqual([
      'Status: APPROVED → COMPLETED',
      'Crate status: PENDING → IN_STORAGE',
      'Legal hold: no → yes',
    ]);
    expect(historyChanges({ changes: 'nonsense' })).toEqual([]);
  });
});

describe('scan problems', () => {
  const envelope = (code: string, message: string) => ({
    error: { code, message, details: {}, request_id: 'r' },
  });

  it("shows the server's words for a bad check digit", () => {
    const message = 'The check digit does not match: the code was mistyped or misread.';
    const problem = scanProblem(
      'GOA1-QA-2026-000001-0',
      new ApiError(400, message, envelope('invalid_crate_code', message)),
    );
    expect(problem).toEqual({ title: 'Not a valid crate code', message });
  });

  it('says when no crate of the caller has that code', () => {
    const problem = scanProblem(
      'MUM1-QA-2026-000001-3',
      new ApiError(404, 'Not found.', envelope('not_found', 'Not found.')),
    );
    expect(problem.message).toBe('No crate with the code MUM1-QA-2026-000001-3 in your units.');
  });

  it('turns camera failures into something a person can act on', () => {
    expect(cameraErrorMessage(new DOMException('denied', 'NotAllowedError'))).toMatch(
      /Camera access was denied/,
    );
    expect(cameraErrorMessage(new DOMException('none', 'NotFoundError'))).toMatch(
      /No camera was found/,
    );
    expect(cameraErrorMessage(new DOMException('busy', 'NotReadableError'))).toMatch(/in use/);
    expect(cameraErrorMessage(new Error('odd'))).toMatch(/could not start \(odd\)/);
  });
});
