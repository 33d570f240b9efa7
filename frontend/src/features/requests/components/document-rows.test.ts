import { describe, expect, it } from 'vitest';

import {
  emptyRow,
  retentionDefault,
  retentionHint,
  rowComplete,
  rowFromCsv,
  toDocumentInput,
} from './document-rows';

describe('storage document rows', () => {
  it('reads "permanent" from the CSV as retain permanently', () => {
    const row = rowFromCsv({
      number: 'BMR-1',
      title: 'Batch 1',
      doc_type: 'BMR',
      department: '',
      prepared_on: '2026-01-02',
      retention_until: 'permanent',
    });
    expect(rowComplete(row)).toBe(true);
    expect(toDocumentInput(row)).toEqual({
      number: 'BMR-1',
      title: 'Batch 1',
      doc_type: 'BMR',
      prepared_on: '2026-01-02',
      retention_until: null,
      retain_permanently: true,
    });
  });

  it('needs a number, a title and an ISO preparation date', () => {
    const row = { ...emptyRow(), number: 'X-1', title: 'T', preparedOn: '02/01/2026' };
    expect(rowComplete(row)).toBe(false);
    expect(rowComplete({ ...row, preparedOn: '2026-01-02' })).toBe(true);
  });

  it('computes the default retention as the server does: preparation date plus the years', () => {
    expect(retentionDefault('2026-12-31', 10)).toBe('2036-12-31');
    expect(retentionDefault('2024-02-29', 7)).toBe('2031-02-28');
    expect(retentionDefault('2024-02-29', 4)).toBe('2028-02-29');
    expect(retentionDefault('2026-02-30', 10)).toBeNull();
    expect(retentionDefault('31/12/2026', 10)).toBeNull();
    expect(retentionDefault('2026-12-31', null)).toBeNull();
  });

  it('says what an empty retention will store, or that the type needs one', () => {
    const bmr = { code: 'BMR', name: 'Batch Record', default_retention_years: 10 };
    const val = { code: 'VAL', name: 'Validation', default_retention_years: null };
    const row = { ...emptyRow(), number: 'X-1', title: 'T', preparedOn: '2026-12-31' };
    expect(retentionHint(row, bmr)).toBe('Default: 31 Dec 2036 (10 years for Batch Record)');
    expect(retentionHint({ ...row, preparedOn: '' }, bmr)).toBe(
      'Default: 10 years from the preparation date (Batch Record)',
    );
    expect(retentionHint({ ...row, retentionUntil: '2030-01-01' }, bmr)).toBeNull();
    expect(retentionHint(row, val)).toBe('Required: Validation has no default retention');
    expect(rowComplete({ ...row, docType: 'VAL' }, val)).toBe(false);
    expect(rowComplete({ ...row, docType: 'VAL', permanent: true }, val)).toBe(true);
    expect(rowComplete(row, bmr)).toBe(true);
  });

  it('says what the governing schedule rule stores, before the type default', () => {
    const rule = {
      code: 'LOG-18M',
      trigger: 'PREPARED',
      event_name: null,
      period_years: 1,
      period_months: 6,
      permanent: false,
    };
    const val = { code: 'VAL', name: 'Validation', default_retention_years: null };
    const row = { ...emptyRow(), number: 'X-1', title: 'T', preparedOn: '2026-08-31' };
    // 31 August + 18 months: February has no 31st; the schedule keeps its last day (2028: the 29th).
    expect(retentionHint(row, { ...val, retention_rule: rule })).toBe(
      'Schedule LOG-18M: 29 Feb 2028 (1 year 6 months from preparation)',
    );
    expect(retentionDefault('2026-08-31', 1, 6)).toBe('2028-02-29');
    const event = { ...rule, code: 'BMR-EXP+1Y', trigger: 'EVENT', event_name: 'Batch expiry' };
    expect(retentionHint(row, { ...val, retention_rule: { ...event, period_months: 0 } })).toBe(
      'Schedule BMR-EXP+1Y: pending until the Batch expiry date is recorded, then 1 year after it',
    );
    const permanent = { ...rule, code: 'VAL-PERM', trigger: 'PERMANENT', permanent: true };
    expect(retentionHint(row, { ...val, retention_rule: permanent })).toBe(
      'Schedule VAL-PERM: kept permanently',
    );
    // A governed type needs no typed date even without a default.
    expect(rowComplete({ ...row, docType: 'VAL' }, { ...val, retention_rule: rule })).toBe(true);
  });

  it("keeps a CSV row's department and sends it", () => {
    const row = rowFromCsv({
      number: 'BMR-2',
      title: 'Batch 2',
      doc_type: 'bmr',
      department: 'QC',
      prepared_on: '2026-01-02',
      retention_until: '',
    });
    expect(toDocumentInput(row)).toMatchObject({ doc_type: 'BMR', department: 'QC' });
  });
});
